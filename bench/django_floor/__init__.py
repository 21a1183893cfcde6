"""Django's own floor for bench/bench_votes.py: Samskab's settings and URLs plus one endpoint
that does what every authenticated API POST costs in Django before any of our code runs (the
middleware, the session and person from the store, the CSRF check, the JSON body) and then
answers. Served by the same `samskab serve` under the same load, it is the most any vote path
written in Django could reach on the machine in that run."""
