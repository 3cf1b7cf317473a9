"""The pages of the orgs app: account.py (sign-in, password, two-factor; its routes are in
urls.py and web/urls.py) and manage.py (the administrators' user management, manage_urls.py)."""
