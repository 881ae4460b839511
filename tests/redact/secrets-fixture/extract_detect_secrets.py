#!/usr/bin/env python3
"""Turns detect-secrets' plugin test cases (pytest.mark.parametrize tables in tests/plugins/*_test.py)
into JSONL: the first string of each row is the text, the first boolean its label (true: the plugin
must flag it). Rows whose values are not literals, or that carry no boolean, are counted and left out.

usage: extract_detect_secrets.py <detect-secrets git dir> <commit> > detect-secrets.jsonl
"""
import ast, json, subprocess, sys

REPO, COMMIT = sys.argv[1], sys.argv[2]

def git(*a):
    return subprocess.run(['git', '-C', REPO, *a], capture_output=True, text=True, check=True).stdout

def literal(node):
    try: return ast.literal_eval(node)
    except Exception: return None

def main():
    files = [f for f in git('ls-tree', '-r', '--name-only', COMMIT, 'tests/plugins/').split() if f.endswith('_test.py')]
    written, skipped = 0, {}
    for f in files:
        src = git('show', f'{COMMIT}:{f}')
        tree = ast.parse(src)
        # module- and class-level constants that rows refer to (EXAMPLE_SECRET, TOKEN.format(...))
        ns = {}
        for node in list(tree.body) + [b for c in tree.body if isinstance(c, ast.ClassDef) for b in c.body]:
            if isinstance(node, ast.Assign):
                try: exec(compile(ast.Module(body=[node], type_ignores=[]), f, 'exec'), ns)
                except Exception: pass
        for cls in [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]:
            for fn in [n for n in cls.body if isinstance(n, ast.FunctionDef)]:
                for dec in fn.decorator_list:
                    if not (isinstance(dec, ast.Call) and ast.unparse(dec.func).endswith('parametrize') and len(dec.args) >= 2): continue
                    rows = dec.args[1]
                    if not isinstance(rows, (ast.List, ast.Tuple)):
                        skipped[f'{f}:{fn.name}'] = skipped.get(f'{f}:{fn.name}', 0) + 1; continue
                    for n, row in enumerate(rows.elts):
                        v = literal(row)
                        if v is None:
                            try: v = eval(compile(ast.Expression(row), f, 'eval'), dict(ns))
                            except Exception: v = None
                        vals = v if isinstance(v, tuple) else (v,)
                        text = next((x for x in vals if isinstance(x, str)), None)
                        flag = next((x for x in vals if isinstance(x, bool)), None)
                        body = ast.unparse(fn)
                        # a table of strings only, each asserted to be flagged once
                        if flag is None and text is not None and ('== 1' in body or 'assert output' in body) and 'not ' not in fn.name:
                            flag = True
                        # high_entropy_strings' rows are templates ('"{secret}"') the test fills in at run time
                        if text is not None and ('{secret}' in text or '{non_secret}' in text): text = None
                        if text is None or flag is None:
                            skipped[f'{f}:{fn.name}'] = skipped.get(f'{f}:{fn.name}', 0) + 1; continue
                        print(json.dumps({'source': 'detect-secrets', 'repo': 'Yelp/detect-secrets', 'commit': COMMIT, 'file': f, 'function': f'{cls.name}.{fn.name}',
                                          'rule': f.split('/')[-1].removesuffix('_test.py'), 'label': 'positive' if flag else 'negative', 'index': n, 'text': text}, ensure_ascii=False))
                        written += 1
    print(f'detect-secrets: {written} cases written', file=sys.stderr)
    for k, v in skipped.items(): print(f'  skipped {v} rows in {k}', file=sys.stderr)

main()
