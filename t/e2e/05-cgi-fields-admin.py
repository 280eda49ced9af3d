#!/usr/bin/env python3
"""Every field of half the routes of admin.fcgi (the 1st, 3rd, ...) and of
every route of bank.fcgi, in CGI mode: refused at the door with 400/413/422
and a Chinese message, nothing changed (fieldlib); a reconciliation
against an empty statement."""
from fieldlib import main

main((("admin",), (0, 2)), (("bank",), None), statement=True)
