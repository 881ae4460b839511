#!/usr/bin/env python3
"""Writes src/redact/secret-rules/gitleaks.ts from gitleaks' config/gitleaks.toml: one entry per rule
(id, keywords, entropy, secret group, allowlists), regexes converted from Go RE2 to JavaScript:
- (?i), (?i:...), (?-i:...) become explicit case classes ([aA]) because Node 20's RegExp has no
  inline flags; (?s:.) and . under (?s) become [\\s\\S];
- \\z becomes $, [[:alnum:]] becomes A-Za-z0-9, (?P<name> becomes (?<name>;
- unbounded {n,} becomes {n,4096}, * and + become {0,256} and {1,256}; the leading [\\w.-]{0,50}? of gitleaks' identifier rules is dropped
  (it only widens the match leftwards; the secret group is what is redacted).
Rules the matcher replaces with its own (see SKIP) are left out.

usage: gen_gitleaks_rules.py gitleaks.toml <commit> > src/redact/secret-rules/gitleaks.ts
"""
import json, re, sys, tomllib

TOML, COMMIT = sys.argv[1], sys.argv[2]
# replaced by sluice's own matchers: PEM blocks (matchPem), curl (bounded single-line rules in sluice-rules.ts);
# path-only rules need file names, which documents do not carry
SKIP = {'private-key': 'built-in PEM matcher', 'curl-auth-user': 'sluice rule', 'curl-auth-header': 'sluice rule', 'pkcs12-file': 'needs a file path'}
# rules gitleaks binds to file names: off by default where the regex alone is too loose for any text
PATH_RULES = {'hashicorp-tf-password', 'kubernetes-secret-yaml'}

# Converted regexes that sluice narrows: the secret group, where gitleaks redacts more than the secret
PATCHES = {
    # the path is the secret; the host stays readable, as sluice's own webhook matcher does
    'slack-webhook-url': ('(?:services|workflows|triggers)/[A-Za-z0-9+/]{43,56}', '(?:services|workflows|triggers)/([A-Za-z0-9+/]{43,56})'),
}

def fold_char(c):
    return f'[{c.lower()}{c.upper()}]' if c.isalpha() and c.isascii() else c

def convert_class(body, ci):
    body = body.replace('[:alnum:]', 'A-Za-z0-9').replace('[:alpha:]', 'A-Za-z').replace('[:digit:]', '0-9')
    if not ci: return body
    extra = []
    for m in re.finditer(r'\\.|(.)-(.)|(.)', body):
        if m.group(1) and m.group(1).isalpha() and m.group(2).isalpha():
            a, b = m.group(1), m.group(2)
            extra.append(f'{a.swapcase()}-{b.swapcase()}')
        elif m.group(3) and m.group(3).isalpha() and m.group(3).isascii():
            extra.append(m.group(3).swapcase())
    return ''.join(e for e in extra if e not in body) + body

def convert(p):
    out, i = [], 0
    ci, dotall = False, False
    stack = []
    while i < len(p):
        c = p[i]
        if c == '\\':
            n = p[i + 1]
            if n == 'z': out.append('$'); i += 2; continue
            if n == 'A': out.append('^'); i += 2; continue
            out.append(p[i:i + 2]); i += 2; continue
        if c == '[':
            j = i + 1
            if p[j] == '^': j += 1
            if p[j] == ']': j += 1
            while p[j] != ']':
                if p[j] == '\\': j += 2
                elif p.startswith('[:', j): j = p.index(':]', j) + 2
                else: j += 1
            neg = p[i + 1] == '^'
            body = p[i + 1 + neg:j]
            out.append('[' + ('^' if neg else '') + convert_class(body, ci) + ']')
            i = j + 1; continue
        if c == '(':
            m = re.match(r'\(\?([a-zA-Z-]+)\)', p[i:])
            if m:  # flags for the rest of the enclosing group
                ci, dotall = flags(m.group(1), ci, dotall); i += m.end(); continue
            m = re.match(r'\(\?([a-zA-Z-]+):', p[i:])
            stack.append((ci, dotall))
            if m:
                ci, dotall = flags(m.group(1), ci, dotall); out.append('(?:'); i += m.end(); continue
            if p.startswith('(?P<', i): out.append('(?<'); i += 4; continue
            if p.startswith('(?:', i): out.append('(?:'); i += 3; continue
            out.append('('); i += 1; continue
        if c == ')':
            ci, dotall = stack.pop(); out.append(')'); i += 1; continue
        if c == '.' and dotall: out.append('[\\s\\S]'); i += 1; continue
        # unbounded repeats become bounded: a sticky try must not read to the end of a long run
        if c == '*': out.append('{0,256}'); i += 1; continue
        if c == '+': out.append('{1,256}'); i += 1; continue
        if c == '{':
            m = re.match(r'\{(\d+),\}', p[i:])
            if m: out.append('{%s,4096}' % m.group(1)); i += m.end(); continue
            m = re.match(r'\{\d+(?:,\d+)?\}', p[i:])
            if m: out.append(m.group(0)); i += m.end(); continue
            out.append('\\{'); i += 1; continue
        out.append(fold_char(c) if ci else c); i += 1
    return ''.join(out)

def flags(f, ci, dotall):
    on = True
    for ch in f:
        if ch == '-': on = False
        elif ch == 'i': ci = on
        elif ch == 's': dotall = on
    return ci, dotall

def strip_prefix(p):
    for pre in ('[\\w.-]{0,50}?(?i:', '[\\w.-]{0,50}?(?:'):
        k = p.find(pre)
        if k >= 0 and k <= 4: return p[:k] + p[k + len('[\\w.-]{0,50}?'):]
    return p

def identifiers_start_with_keyword(regex, keywords):
    m = re.search(r'\[\\w\.-\]\{0,50\}\?\(\?i?:(.*?)\)\(\?:\[ \\t', regex)
    if not m: return False
    # passw(?:or)?d is passwd|password, both keywords; the simple reading below cannot see that
    if regex.startswith('(?i)[\\w.-]{0,50}?(?:access|auth|(?-i:[Aa]pi|API)|credential|creds|key|passw(?:or)?d|secret|token)'): return True
    ids = m.group(1).lower()
    ids = re.sub(r'\(\?-?i?:', '', ids).replace('(', '').replace(')', '')
    ids = re.sub(r'\[([a-z])\1\]', r'\1', ids)
    return all(any(alt.startswith(k) for k in keywords) for alt in ids.split('|'))

def top_alternatives(body):
    """Splits a group body at its top-level |."""
    alts, depth, cls, cur, k = [], 0, False, '', 0
    while k < len(body):
        c = body[k]
        if c == '\\':
            cur += body[k:k + 2]; k += 2; continue
        if cls:
            cls = c != ']'
        elif c == '[': cls = True
        elif c == '(': depth += 1
        elif c == ')': depth -= 1
        elif c == '|' and depth == 0:
            alts.append(cur); cur = ''; k += 1; continue
        cur += c; k += 1
    return alts + [cur]

def literal_prefix(alt):
    """The literal characters an alternative starts with, lower-cased ([aA] and \\. read as literals)."""
    out, k = '', 0
    while k < len(alt):
        m = re.match(r'\[([a-z])([A-Z])\]', alt[k:])
        if m and m.group(1).upper() == m.group(2): out += m.group(1); k += 4; continue
        if alt[k] == '\\' and k + 1 < len(alt) and not alt[k + 1].isalnum(): out += alt[k + 1]; k += 2; continue
        if alt[k].isalnum() or alt[k] in '_-': 
            if k + 1 < len(alt) and alt[k + 1] in '?*{': break
            out += alt[k].lower(); k += 1; continue
        if alt[k] in '(' :
            if alt.startswith('(?:', k): k += 3
            else: k += 1
            # a group's own alternatives: only when it has one
            continue
        break
    return out

def starts_at_keyword(regex, keywords):
    """Whether every match begins with one of the keywords, so the regex can run sticky at each keyword."""
    r = regex[2:] if regex.startswith('\\b') else regex
    # peel leading groups: (...) or (?:...) that enclose the whole start
    while r.startswith('('):
        depth, k, cls = 0, 0, False
        for k, c in enumerate(r):
            if cls: cls = c != ']'; continue
            if c == '[': cls = True
            elif c == '(': depth += 1
            elif c == ')':
                depth -= 1
                if depth == 0: break
        inner = r[3:k] if r.startswith('(?:') else r[1:k]
        alts = top_alternatives(inner)
        if len(alts) > 1:
            return all(any(literal_prefix(a).startswith(kw) for kw in keywords) for a in alts)
        r = inner + r[k + 1:] if r[k + 1:k + 2] not in ('?', '*', '{') else ''
    return any(literal_prefix(r).startswith(kw) for kw in keywords)

def main():
    d = tomllib.load(open(TOML, 'rb'))
    g = d['allowlist']
    rules = []
    for r in d['rules']:
        if r['id'] in SKIP or 'regex' not in r: continue
        stripped = strip_prefix(r['regex'])
        regex = convert(stripped)
        if r['id'] in PATCHES:
            old, new = PATCHES[r['id']]
            assert old in regex, r['id']
            regex = regex.replace(old, new)
        rule = {'id': r['id'], 'keywords': [k.lower() for k in r.get('keywords', [])], 'regex': regex}
        # identifier rules match from the identifier on, and each identifier starts with a keyword
        if stripped != r['regex'] and identifiers_start_with_keyword(r['regex'], rule['keywords']): rule['anchor'] = 'keyword'
        # token rules whose every match begins with a keyword (\\bAKCp..., xoxb-..., (?:hvs\\.|s\\.)...) run sticky there too
        elif stripped == r['regex'] and rule['keywords'] and starts_at_keyword(regex, rule['keywords']): rule['anchor'] = 'keyword'
        if 'entropy' in r: rule['entropy'] = r['entropy']
        if 'secretGroup' in r: rule['secretGroup'] = r['secretGroup']
        if r['id'] in PATH_RULES: rule['enabled'] = False
        # the generic rule fires on code (RegEnumKey = win32api.RegEnumKey); names and references are not secrets
        if r['id'] == 'generic-api-key': rule['notCode'] = True
        allow, allow_match, allow_line, stop = [], [], [], []
        for a in r.get('allowlists', []):
            if 'paths' in a and 'regexes' not in a and 'stopwords' not in a: continue
            if a.get('condition') == 'AND' and 'paths' in a: continue
            target = a.get('regexTarget', 'secret')
            for x in a.get('regexes', []):
                {'secret': allow, 'match': allow_match, 'line': allow_line}[target].append(convert(x))
            stop += a.get('stopwords', [])
        if allow: rule['allow'] = allow
        if allow_match: rule['allowMatch'] = allow_match
        if allow_line: rule['allowLine'] = allow_line
        if stop: rule['stopwords'] = stop
        rules.append(rule)
    print('// Generated by tests/redact/secrets-fixture/gen_gitleaks_rules.py from gitleaks/gitleaks')
    print(f'// config/gitleaks.toml at {COMMIT} (MIT licence). Data, not code: edit the generator, not this file.')
    print("import type { RuleData } from './types.js';")
    print()
    print('/** Global allowlist: secrets matching one of these are placeholders, not credentials. */')
    print(f'export const GITLEAKS_ALLOW: readonly string[] = {json.dumps([convert(x) for x in g["regexes"]], indent=2)};')
    print()
    print(f'export const GITLEAKS_STOPWORDS: readonly string[] = {json.dumps(g.get("stopwords", []))};')
    print()
    print(f'export const GITLEAKS_RULES: readonly RuleData[] = {json.dumps(rules, indent=2)};')
    print(f'skipped: {SKIP}; path rules off by default: {sorted(PATH_RULES)}; {len(rules)} rules', file=sys.stderr)

main()
