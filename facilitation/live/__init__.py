"""Everything about pushes: the channels (Socket.IO rooms), the fragments, the broadcaster
the services talk to, coalescing and pacing, departures, the heartbeat, the watchdog and the
collector.

Dependencies point one way: web → live → services → store. Nothing here knows of Flask
requests except through the app context a broadcast renders in.
"""
