#!/usr/bin/env python3
"""Lists public declarations without a `///` comment, and throwing public functions whose
comment lacks `- Throws:` (or, with parameters, `- Parameter`), in the given Swift source
folders (default: Sources/HefCircuits Sources/HefML Sources/HefONNX). Exit 1 when any.
Generated code (*.pb.swift) is skipped, and so are the Codable and description witnesses
(`init(from:)`, `encode(to:)`, `description`, `errorDescription`), whose meaning is standard.
A heuristic, line-based check: run `python3 scripts/check-public-docs.py [folders…]`."""
import os, re, sys

DECL = re.compile(r'^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:public|open)\s+(?:(?:static|final|mutating|nonisolated|override|convenience|required|indirect)\s+)*'
                  r'(func|var|let|init|struct|enum|class|protocol|typealias|subscript|case|extension)\b')
CASE = re.compile(r'^\s*case\s+\w+')

def check(path):
    problems = []
    lines = open(path, encoding='utf-8').read().split('\n')
    # Track public enums to check their cases.
    depth = 0
    enum_stack = []  # (depth at which the enum body starts, is public enum)
    for i, line in enumerate(lines):
        stripped = line.strip()
        m = DECL.match(line)
        is_case = False
        if not m and CASE.match(line) and enum_stack and enum_stack[-1][1] and enum_stack[-1][0] == depth and not stripped.startswith('case let') and '=' not in stripped.split('//')[0].split('(')[0] or (CASE.match(line) and enum_stack and enum_stack[-1][1] and enum_stack[-1][0] == depth and re.match(r'^\s*case\s+\w+\s*=', line)):
            is_case = stripped.endswith(':') is False
        kind = m.group(1) if m else ('case' if is_case else None)
        if kind and kind != 'extension':
            j = i - 1
            while j >= 0 and (lines[j].strip().startswith('@') or lines[j].strip() == '' and False):
                j -= 1
            documented = j >= 0 and (lines[j].strip().startswith('///') or lines[j].strip().endswith('*/'))
            # Codable / protocol witnesses with standard meaning.
            name = stripped
            standard = any(s in name for s in ('init(from decoder', 'func encode(to encoder', 'var description: String', 'var errorDescription: String?'))
            if not documented and not standard:
                problems.append(f'{path}:{i + 1}: undocumented: {stripped[:100]}')
            if documented and not standard and kind in ('func', 'init') and re.search(r'\)\s*(?:async\s+)?(throws|rethrows)\b', ' '.join(lines[i:i + 6]).split('{')[0]):
                k = j
                doc = []
                while k >= 0 and lines[k].strip().startswith('///'):
                    doc.append(lines[k]); k -= 1
                text = '\n'.join(doc)
                sig = ' '.join(lines[i:i + 6]).split('{')[0]
                has_params = re.search(r'\(\s*[_\w]+[\w\s]*:', sig.split('throws')[0]) is not None
                if '- Throws:' not in text:
                    problems.append(f'{path}:{i + 1}: no "- Throws:": {stripped[:100]}')
                if has_params and '- Parameter' not in text:
                    problems.append(f'{path}:{i + 1}: no "- Parameters:": {stripped[:100]}')
        # Track braces and enum bodies.
        code = stripped.split('//')[0]
        if re.match(r'^(?:@\w+\s+)*(public\s+)?(indirect\s+)?enum\s', code):
            enum_stack.append((depth + 1, code.startswith('public') or '@' in code and 'public' in code))
        depth += code.count('{') - code.count('}')
        while enum_stack and depth < enum_stack[-1][0]:
            enum_stack.pop()
    return problems

def main():
    roots = sys.argv[1:] or ['Sources/HefCircuits', 'Sources/HefML', 'Sources/HefONNX']
    problems = []
    for root in roots:
        for dirpath, _, files in os.walk(root):
            for f in sorted(files):
                if f.endswith('.swift') and not f.endswith('.pb.swift'):
                    problems += check(os.path.join(dirpath, f))
    for p in problems:
        print(p)
    print(f'{len(problems)} problem(s)', file=sys.stderr)
    return 1 if problems else 0

if __name__ == '__main__':
    sys.exit(main())
