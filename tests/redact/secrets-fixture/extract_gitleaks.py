#!/usr/bin/env python3
"""Turns gitleaks' rule test cases (the tps/fps lists in cmd/generate/config/rules/*.go) into JSONL.

gitleaks builds many cases from Go expressions (string concatenation, fmt.Sprintf, sample templates,
random secrets drawn from a regex). Go is not available here, so this script evaluates the small
subset of Go those files use; a case it cannot evaluate is counted and left out, never guessed.
Random secrets come from a fixed seed, so a rerun writes the same file.

usage: extract_gitleaks.py <gitleaks git dir> <commit> > gitleaks.jsonl
"""
import json, random, re, subprocess, sys
import re._parser as sre  # type: ignore
from re._constants import *  # noqa: F401,F403  (opcode names)

REPO, COMMIT = sys.argv[1], sys.argv[2]
rng = random.Random(18)

def git(*a):
    return subprocess.run(['git', '-C', REPO, *a], capture_output=True, text=True, check=True).stdout

# --- a sample string for a regex (what gitleaks' secrets.NewSecret does) ---
def sample(pattern):
    p = pattern.replace('\\z', '\\Z').replace('[[:alnum:]]', '[A-Za-z0-9]')
    return gen(sre.parse(p))

ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
def gen(seq):
    out = []
    for op, av in seq:
        out.append(gen1(op, av))
    return ''.join(out)

def gen1(op, av):
    if op is LITERAL: return chr(av)
    if op is NOT_LITERAL: return 'a' if av != ord('a') else 'b'
    if op is ANY: return rng.choice(ALNUM)
    if op is AT: return ''
    if op is IN:
        neg = any(o is NEGATE for o, _ in av)
        if neg: return rng.choice([c for c in ALNUM if not any(o is LITERAL and chr(v) == c for o, v in av)])
        chars = []
        for o, v in av:
            if o is LITERAL: chars.append(chr(v))
            elif o is RANGE: chars.extend(chr(c) for c in range(v[0], v[1] + 1))
            elif o is CATEGORY:
                chars.extend({CATEGORY_DIGIT: '0123456789', CATEGORY_WORD: ALNUM + '_', CATEGORY_SPACE: ' '}.get(v, 'a'))
        return rng.choice(chars)
    if op in (MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT):
        lo, hi, sub = av
        hi = lo + 8 if hi == MAXREPEAT else hi
        return ''.join(gen(sub) for _ in range(rng.randint(lo, max(lo, min(hi, lo + 8)))))
    if op is SUBPATTERN: return gen(av[-1])
    if op is BRANCH: return gen(rng.choice(av[1]))
    if op is CATEGORY: return {CATEGORY_DIGIT: '7', CATEGORY_WORD: 'k', CATEGORY_SPACE: ' '}.get(av, 'a')
    raise ValueError(f'regex op {op}')

# --- the Go subset ---
TOKEN = re.compile(r'''//[^\n]*|/\*.*?\*/|`[^`]*`|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\])'|\.\.\.|:=|\n|[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*|\d+|\S''', re.S)

def tokens(src):
    return [t for t in TOKEN.findall(src) if not t.startswith('//') and not t.startswith('/*')]

def go_string(tok):
    if tok.startswith('`'): return tok[1:-1]
    return json.loads(tok) if '\\x' not in tok else bytes(tok[1:-1], 'utf-8').decode('unicode_escape')

PATTERNS = {'Numeric': '[0-9]{%s}', 'Hex': '[a-f0-9]{%s}', 'AlphaNumeric': '[a-z0-9]{%s}', 'AlphaNumericExtendedShort': '[a-z0-9_-]{%s}',
            'AlphaNumericExtended': '[a-z0-9=_\\-]{%s}', 'AlphaNumericExtendedLong': '[a-z0-9\\/=_\\+\\-]{%s}'}
TEMPLATES = None

def sample_templates():
    src = git('show', f'{COMMIT}:cmd/generate/config/utils/generate.go')
    body = src[src.index('func GenerateSampleSecrets'):]
    body = body[body.index('{') + 1: body.index('replacer')]
    toks = tokens(body)
    vals, k = [], 0
    while k < len(toks):
        if toks[k][0] in '"`' and k + 2 < len(toks) and toks[k + 1] == ':':
            j = k + 2
            while toks[j] == '\n': j += 1
            s = go_string(toks[j]); j += 1
            while toks[j] == '+':
                j += 1
                while toks[j] == '\n': j += 1
                s += go_string(toks[j]); j += 1
            vals.append(s); k = j
        else: k += 1
    return vals

class Fail(Exception): pass

class Parser:
    def __init__(self, toks, env):
        self.t, self.k, self.env = toks, 0, env
    def peek(self, skip_nl=True):
        k = self.k
        while skip_nl and k < len(self.t) and self.t[k] == '\n': k += 1
        return self.t[k] if k < len(self.t) else None
    def next(self, skip_nl=True):
        while skip_nl and self.k < len(self.t) and self.t[self.k] == '\n': self.k += 1
        tok = self.t[self.k]; self.k += 1; return tok
    def expect(self, s):
        if self.next() != s: raise Fail(s)
    def expr(self):
        v = self.primary()
        while self.peek(False) == '+':
            self.next(); w = self.primary()
            if not isinstance(v, str) or not isinstance(w, str): raise Fail('+')
            v += w
        return v
    def args(self):
        self.expect('(')
        out = []
        while self.peek() != ')':
            v = self.expr()
            if self.peek() == '...': self.next(); out.extend(v)
            else: out.append(v)
            if self.peek() == ',': self.next()
        self.next()
        return out
    def composite(self):
        self.expect('{')
        out = []
        while self.peek() != '}':
            v = self.expr()
            if self.peek() == ':': self.next(); w = self.expr(); out.append(w)  # map: keep the value
            else: out.append(v)
            if self.peek() == ',': self.next()
        self.next()
        return out
    def primary(self):
        tok = self.next()
        if tok[0] in '"`': return go_string(tok)
        if tok == '[':
            self.expect(']'); self.next(); return self.composite()
        if tok == 'map':
            self.expect('['); self.next(); self.expect(']'); self.next(); return self.composite()
        if tok == 'append':
            a = self.args(); return list(a[0]) + a[1:]
        if tok.startswith('utils.') and tok[6:] in PATTERNS:
            a = self.args(); return PATTERNS[tok[6:]] % a[0]
        if tok == 'utils.Hex8_4_4_4_12':
            self.args(); return '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
        if tok == 'secrets.NewSecret':
            a = self.args(); return sample(a[0])
        if tok == 'utils.GenerateSampleSecret':
            i, s = self.args(); return f'{i}_api_token = "{s}"'
        if tok == 'utils.GenerateSampleSecrets':
            i, s = self.args()
            return [t.replace('{i}', i).replace('{I}', i.upper()).replace('{s}', s) for t in TEMPLATES]
        if tok == 'fmt.Sprintf':
            a = self.args()
            try: return re.sub(r'%[sdv]', lambda m, it=iter(a[1:]): str(next(it)), a[0]).replace('%%', '%')
            except StopIteration: raise Fail('sprintf')
        if tok == 'strings.Repeat':
            s, n = self.args(); return s * int(n)
        if tok.isdigit(): return int(tok)
        if tok in self.env: return self.env[tok]
        raise Fail(tok)

def functions(src):
    for m in re.finditer(r'\nfunc (\w+)\([^)]*\) \*config\.Rule \{', src):
        depth, k = 1, m.end()
        while depth:
            c = src[k]; k += 1
            if c == '/' and src[k] == '/':
                k = src.index('\n', k)
            elif c == "'":
                k = src.index("'", k + (2 if src[k] == '\\' else 1)) + 1
            elif c == '`':
                k = src.index('`', k) + 1
            elif c == '"':
                while src[k] != '"': k += 2 if src[k] == '\\' else 1
                k += 1
            elif c == '{': depth += 1
            elif c == '}': depth -= 1
        yield m.group(1), src[m.end():k - 1]

def main():
    global TEMPLATES
    TEMPLATES = sample_templates()
    files = [f for f in git('ls-tree', '-r', '--name-only', COMMIT, 'cmd/generate/config/rules/').split() if f.endswith('.go') and not f.endswith('_test.go')]
    skipped, written = [], 0
    for f in files:
        src = git('show', f'{COMMIT}:{f}')
        # package-level `var name = ...` lists that functions append (cloudflare.go)
        package_env = {}
        for m in re.finditer(r'\nvar (\w+) = ', src):
            p = Parser(tokens(src[m.end():]), package_env)
            try: package_env[m.group(1)] = p.expr()
            except (Fail, IndexError, ValueError): pass
        for fn, body in functions(src):
            ids = re.findall(r'RuleID:\s*"([^"]+)"', body)
            if not ids: continue
            rule = ids[-1]
            toks = tokens(body)
            env, lists = dict(package_env), {}
            k = 0
            while k < len(toks):
                if k + 1 < len(toks) and re.match(r'^[A-Za-z_]\w*$', toks[k]) and toks[k + 1] in (':=', '=') and (k == 0 or toks[k - 1] in ('\n', '{', '}', 'var')):
                    name = toks[k]
                    p = Parser(toks[k + 2:], env)
                    try:
                        v = p.expr(); env[name] = v
                        k += 2 + p.k; continue
                    except (Fail, IndexError, ValueError) as e:
                        if name in ('tps', 'fps', 'tpsMap', 'fpsMap') or name.startswith(('tp', 'fp')):
                            skipped.append(f'{f}:{fn}:{name}: {e}')
                k += 1
            m = re.search(r'return utils\.Validate(?:WithPaths)?\(\w+,\s*(\w+),\s*(\w+)\)', body)
            if not m: continue
            for var, kind in ((m.group(1), 'positive'), (m.group(2), 'negative')):
                vals = env.get(var)
                if vals is None:
                    skipped.append(f'{f}:{fn}:{var}: not evaluated'); continue
                for n, text in enumerate(vals):
                    if not isinstance(text, str): continue
                    print(json.dumps({'source': 'gitleaks', 'repo': 'gitleaks/gitleaks', 'commit': COMMIT, 'file': f, 'function': fn,
                                      'rule': rule, 'label': kind, 'index': n, 'text': text}, ensure_ascii=False))
                    written += 1
    print(f'gitleaks: {written} cases written; skipped {len(skipped)} lists', file=sys.stderr)
    for s in skipped: print('  skipped', s, file=sys.stderr)

main()
