"""View models: what a timeline, a queue row or an alert shows, computed once.

The command line and the web workspace both render these, so the two never disagree.
Nothing here reads the clock or the store: callers pass in evaluations, alert views and
the date they are judged at.
"""
