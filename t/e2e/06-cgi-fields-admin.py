#!/usr/bin/env python3
"""Every field of the other half of admin.fcgi's routes (the 2nd, 4th,
...), in CGI mode: refused at the door with 400/413/422 and a Chinese
message, nothing changed (fieldlib)."""
from fieldlib import main

main((("admin",), (1, 2)))
