#!/usr/bin/env python3
"""Seeds for the fuzz corpora from the API tests, in each harness's input format
(docs/FUZZING.md): the paths, query strings and ISO dates in tests/api/*.mjs, and, given the
requests those tests sent (recorded by tests/fuzz/capture.mjs), their bodies, ranges and
uploads. Usage: scripts/fuzz-seeds.py OUT_DIR [CAPTURE.jsonl]; then libFuzzer's -merge=1 keeps
the seeds that add coverage (make fuzz-seed)."""
import base64, glob, hashlib, json, os, re, sys
from urllib.parse import urlsplit, unquote_plus

out = sys.argv[1]
capture = sys.argv[2] if len(sys.argv) > 2 else None
src = '\n'.join(open(f, encoding='utf-8').read() for f in sorted(glob.glob('tests/api/*.mjs')))
# String and template literals that look like request targets; ${…} becomes a uuid-shaped id.
UUID = '0b8f9c6e-3d1a-4c2b-9e7f-1a2b3c4d5e6f'
lits = re.findall(r"'(/[^'\n]*)'|`(/[^`\n]*)`|\"(/[^\"\n]*)\"", src)
targets = set()
for t in (a or b or c for a, b, c in lits):
    t = re.sub(r'\$\{[^}]*\}', UUID, t)
    for pre in ('', '/v2/agency', '/api/v1', '/api/v3'):
        targets.add(pre + t if pre and not t.startswith(('/v2', '/api', '/files', '/healthz')) else t)
methods = re.findall(r"\b(GET|POST|PATCH|PUT|DELETE|HEAD)\b", src)

def save(harness, data):
    d = os.path.join(out, harness)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)

for t in sorted(targets):
    path, _, query = t.partition('?')
    for m in sorted(set(methods)):
        save('router', f'{m}\n{path}'.encode())
    if query:
        save('query', query.encode())
for q in re.findall(r"[?&]([a-zA-Z_\[\]]+=[^'`\"\s]*)", src):
    save('query', re.sub(r'\$\{[^}]*\}', UUID, q).encode())
for d in set(re.findall(r"\d{4}-\d\d-\d\d(?:T[0-9:.]+(?:Z|[+-]\d\d:?\d\d)?)?", src)):
    save('isodate', d.encode())
for d in set(re.findall(r"[?&](?:from|to|start_date)=([^&'`\"\s]+)", src)):
    save('isodate', d.encode())

DATE_KEYS = ('from', 'to', 'start_date', 'startDate', 'endDate', 'date')
for line in open(capture, encoding='utf-8') if capture else []:
    r = json.loads(line)
    u = urlsplit(r['url'])
    m, path, query = r['method'], u.path, u.query
    body = base64.b64decode(r['body'])
    ctype = (r.get('type') or '').lower()
    save('router', f'{m}\n{path}'.encode())
    if query:
        save('query', unquote_plus(query).encode())
    for k, v in re.findall(r'(?:^|&)([^=&]+)=([^&]*)', query):
        if k in DATE_KEYS:
            save('isodate', unquote_plus(v).encode())
    if r.get('range'):
        save('range', (r['range'] + ('\n' + r['if_range'] if r.get('if_range') else '')).encode())
    head = f'{m} {path}\n{query}\n'.encode()
    if ctype.startswith('multipart/form-data') and len(body) <= 65536:
        tpl = ('POST /api/v3/tickets/{id}/medias' if path.startswith('/api/v3/')
               else 'POST /v2/agency/assets/upload')
        save('multipart', tpl.encode() + b'\n' + body)
    elif path.startswith('/api/v3/') and m != 'DELETE':
        save('form', head + body)
    if m in ('POST', 'PATCH', 'PUT') and not ctype.startswith('multipart') and body[:1] in (b'{', b'[', b'"', b''):
        save('json', head + body)
        try:
            for k, v in json.loads(body).items():
                if isinstance(v, str) and re.match(r'\d{4}-', v):
                    save('isodate', v.encode())
        except (ValueError, AttributeError):
            pass
