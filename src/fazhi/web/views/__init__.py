"""The pages of the web app, by concern: site.py (home page, icon, error pages),
assessment.py (the self-assessment), departments.py (the departments' annual assessment)."""
