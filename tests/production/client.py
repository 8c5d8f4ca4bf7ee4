"""A small HTTP client for the smoke test: raw enough to see every header nginx sends, with
cookies, HTML forms and multipart bodies."""

import http.client
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")

    def header(self, name):
        return self.headers.get(name, "")


@dataclass
class Client:
    """Talks to nginx on 127.0.0.1:``port`` as a browser behind a TLS-terminating proxy does
    (X-Forwarded-Proto: https), keeping cookies."""

    port: int
    forwarded_proto: str = "https"
    cookies: dict = field(default_factory=dict)
    timeout: float = 30

    @property
    def origin(self):
        return f"{self.forwarded_proto}://127.0.0.1:{self.port}"

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        all_headers = {"Host": f"127.0.0.1:{self.port}", "Accept-Language": "de"}
        if self.forwarded_proto:
            all_headers["X-Forwarded-Proto"] = self.forwarded_proto
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            all_headers["Origin"] = self.origin
            all_headers["Referer"] = self.origin + path
        all_headers.update(headers or {})
        try:
            connection.request(method, path, body=body, headers=all_headers)
            raw = connection.getresponse()
            response = Response(raw.status, raw.headers, raw.read())
        finally:
            connection.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        return response

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def post_form(self, path, fields, files=()):
        """POST ``fields`` (name -> value or list of values) and ``files`` ((name, filename,
        content type, bytes), …) as multipart/form-data."""
        body, content_type = multipart(fields, files)
        return self.request("POST", path, body=body, headers={"Content-Type": content_type})


def multipart(fields, files=()):
    boundary = uuid.uuid4().hex
    parts = []
    for name, values in fields.items():
        for value in values if isinstance(values, list) else [values]:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                + str(value).encode()
                + b"\r\n"
            )
    for name, filename, content_type, content in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class FormParser(HTMLParser):
    """The default values of the POST forms of a page: hidden inputs, text, first choices."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "").lower() == "post":
            self.forms.append({"action": attrs.get("action"), "fields": {}, "choices": {}})
        if not self.forms:
            return
        form = self.forms[-1]
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"radio", "checkbox"}:
                form["choices"].setdefault(name, []).append(attrs.get("value", "on"))
            elif kind not in {"file", "submit"}:
                form["fields"][name] = attrs.get("value", "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and attrs.get("value"):
            form["choices"].setdefault(self._select, []).append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def post_form_defaults(html):
    parser = FormParser()
    parser.feed(html)
    assert parser.forms, "the page has no POST form"
    return parser.forms[-1]
