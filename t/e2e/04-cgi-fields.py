#!/usr/bin/env python3
"""Every field of every route of student.fcgi, in CGI mode: refused at the
door with 400/413/422 and a Chinese message, nothing changed (fieldlib)."""
from fieldlib import main

main((("student",), None))
