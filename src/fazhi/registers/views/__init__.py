"""The pages of the registers, by concern: register.py (the register, its rules, its .xlsx),
cases.py (one case, its steps and files), intake.py (a case registered by the staff),
portal.py (the public pages, no sign-in); common.py holds what the staff pages share."""
