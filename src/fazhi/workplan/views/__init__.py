"""Work-plan pages: plans, the task tree with lights, progress, extensions, supervision.
By concern: plans.py, timeline.py, tasks.py, notices.py; common.py holds what they share.

Thin like the assessment pages: the services write (and check who may), the selectors
read, the templates show. A refused change is shown next to its field with everything
typed kept; HTMX posts swap one section of the task page and refresh the rest out of band.
"""
