#!/usr/bin/env python3
"""Every field of every route of student.fcgi and bank.fcgi, in CGI mode:
refused at the door with 400/413/422 and a Chinese message, nothing
changed (fieldlib)."""
from fieldlib import main

main(("student", "bank"))
