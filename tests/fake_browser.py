"""A system browser for the tests ($BROWSER="python tests/fake_browser.py %s"): opens the
sign-in address, where the test provider signs the user in at once, and follows its
redirect to the app's loopback address, as a browser would. It returns at once, as a real
browser's launcher does; the visit happens in a process of its own."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys

import requests


def visit(url: str) -> None:
    ca = os.environ["HALT_TEST_IDP_CA"]
    answer = requests.get(url, verify=ca, allow_redirects=False, timeout=60)
    location = answer.headers.get("Location")
    if location:  # the app's loopback page (plain http on this computer)
        requests.get(location, timeout=60)
        return
    form = re.search(r'<form method="post" action="([^"]+)">', answer.text)
    if form:  # response_mode=form_post: the page's script posts the form
        fields = re.findall(r'name="([^"]+)" value="([^"]*)"', answer.text)
        data = {name: html.unescape(value) for name, value in fields}
        requests.post(html.unescape(form.group(1)), data=data, timeout=60)


if __name__ == "__main__":
    if sys.argv[1] == "--visit":
        visit(sys.argv[2])
    else:
        subprocess.Popen([sys.executable, __file__, "--visit", sys.argv[1]], start_new_session=True)
