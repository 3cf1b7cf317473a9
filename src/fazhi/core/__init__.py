"""Pure domain code: no Django, no I/O. Rules a lawyer or an assessor could check."""
