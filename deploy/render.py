"""Render the nginx site from deploy/nginx/banli.conf.template and Banli's settings (issue 16.1).

    set -a; . /etc/banli/banli.env; set +a
    .venv/bin/python -m deploy.render nginx --server-name banli.example.gov.cn \\
        --certificate /etc/letsencrypt/live/banli.example.gov.cn/fullchain.pem \\
        --certificate-key /etc/letsencrypt/live/banli.example.gov.cn/privkey.pem \\
        --output /etc/nginx/sites-available/banli.conf

The body limit, STATIC_ROOT, MEDIA_ROOT and HSTS come from the settings that the environment gives
Banli, so the proxy refuses exactly what Banli would and serves the folders Banli writes. `make
stack` (deploy/stack.py) renders through the same command."""

import argparse
import os
import re
import sys
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "nginx" / "banli.conf.template"
PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
MB = 1024 * 1024
# Values that may hold several words (server_name lists names; the 413 page's "50 MB"; HSTS's "; includeSubDomains").
WORDS = {"server_name", "body_max_text", "hsts"}


def render(template: str, values: dict[str, str]) -> str:
    """Every {{name}} replaced; a name without a value, or a value the template does not use, is an
    error (a typo must not leave a placeholder in a running proxy's configuration)."""
    used = set(PLACEHOLDER.findall(template))
    missing, unused = used - values.keys(), values.keys() - used
    if missing or unused:
        raise ValueError(f"template placeholders without a value: {sorted(missing)}; values not in the template: {sorted(unused)}")
    for name, value in values.items():
        # A value must stay one token of one directive (HSTS's value is quoted, its ; is part of it).
        if re.search(r"[{}\n'\"]" if name in WORDS else r"[;{}\s'\"]", str(value)):
            raise ValueError(f"{name} must be one word, without ; {{ }} or quotes: {value!r}")
    return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), template)


def settings_values() -> dict[str, str]:
    """What the proxy takes from Banli's settings, read as Banli's processes read them."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "banli.settings")
    src = str(Path(__file__).resolve().parent.parent / "src")
    if src not in sys.path:
        sys.path.insert(0, src)
    from django.conf import settings

    # The larger of the two limits: an upload (multipart) may be up to BANLI_BODY_MAX_BYTES.
    body_max = max(settings.BANLI_BODY_MAX_BYTES, settings.BANLI_FORM_MAX_BYTES)
    hsts = f"max-age={settings.SECURE_HSTS_SECONDS}"
    if settings.SECURE_HSTS_SECONDS and settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
        hsts += "; includeSubDomains"
    if settings.SECURE_HSTS_SECONDS and settings.SECURE_HSTS_PRELOAD:
        hsts += "; preload"
    return {
        "body_max_bytes": str(body_max),
        "body_max_text": f"{body_max // MB} MB" if body_max >= MB else f"{body_max // 1024} KB",
        "static_root": str(Path(settings.STATIC_ROOT).resolve()),
        "media_root": str(Path(settings.MEDIA_ROOT).resolve()),
        "hsts": hsts,
    }


def site(*, server_name: str, https_port: int = 443, http_port: int = 80, address: str = "",
         certificate: str, certificate_key: str, upstream: str, access_log: str) -> str:
    """The site for these options; `address` binds to one address only (127.0.0.1 for the stack)."""
    bind = f"{address}:" if address else ""
    values = settings_values() | {
        "server_name": server_name,
        "https_listen": f"{bind}{https_port}",
        "http_listen": f"{bind}{http_port}",
        "https_origin": "https://$host" + ("" if https_port == 443 else f":{https_port}"),
        "tls_certificate": certificate,
        "tls_certificate_key": certificate_key,
        "upstream": upstream,
        "access_log": access_log,
    }
    return render(TEMPLATE.read_text(), values)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.render", description="Render Banli's nginx site from its settings.")
    commands = parser.add_subparsers(dest="what", required=True)
    n = commands.add_parser("nginx", help="the nginx site (deploy/nginx/banli.conf.template)")
    n.add_argument("--server-name", required=True, help="the host name users type, e.g. banli.example.gov.cn")
    n.add_argument("--certificate", required=True, help="the certificate chain (PEM), e.g. Let's Encrypt's fullchain.pem")
    n.add_argument("--certificate-key", required=True, help="its private key (PEM)")
    n.add_argument("--upstream", default="unix:/run/banli/gunicorn.sock", help="gunicorn's address (default: %(default)s)")
    n.add_argument("--https-port", type=int, default=443)
    n.add_argument("--http-port", type=int, default=80)
    n.add_argument("--address", default="", help="listen on this address only (default: all)")
    n.add_argument("--access-log", default="/var/log/nginx/banli.access.log")
    n.add_argument("--output", "-o", help="write here instead of stdout")
    args = parser.parse_args(argv)
    text = site(server_name=args.server_name, https_port=args.https_port, http_port=args.http_port, address=args.address,
                certificate=args.certificate, certificate_key=args.certificate_key, upstream=args.upstream,
                access_log=args.access_log)
    if args.output:
        Path(args.output).write_text(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
