#!/usr/bin/env python3
"""Every field of half the routes of student.fcgi (the 1st, 3rd, ...), in
CGI mode: refused at the door with 400/413/422 and a Chinese message,
nothing changed (fieldlib)."""
from fieldlib import main

main((("student",), (0, 2)))
