#!/usr/bin/env python3
"""Reads include-what-you-use's reports for scripts/check-includes.sh, which runs it.

Usage: iwyu_advice.py report REPO WORK   (WORK holds paths.json and raw.txt; writes advice.txt)
       iwyu_advice.py fix REPO ADVICE    (ADVICE: the advice.txt that report wrote)
"""
import json, os, re, sys


def sections(block):
    """The lines IWYU would add and remove in one file's report."""
    adds, removes, section = [], [], None
    for line in block.split('\n'):
        if line.endswith(' should add these lines:'):
            section = adds
        elif line.endswith(' should remove these lines:'):
            section = removes
        elif line.startswith('The full include-list for '):
            section = None
        elif section is not None and line.strip():
            section.append(line)
    return adds, removes


def report(repo, work):
    """Keeps the reports of the requested files from WORK/raw.txt under their repository paths
    (WORK/paths.json maps each analysed path to the file's own), writes the ones with advice to
    WORK/advice.txt and prints them. Returns the exit status: 0 nothing to change, 1 some file
    must change, 2 a file could not be analysed."""
    paths = json.load(open(os.path.join(work, 'paths.json')))
    raw = open(os.path.join(work, 'raw.txt')).read()

    kept, changes, seen = [], 0, set()
    c_headers = re.compile(r'<(assert|ctype|errno|float|limits|math|stddef|stdint|stdio|stdlib|string|time)\.h>')
    block_start = re.compile(r'^(.*) should add these lines:$|^\((.*) has correct #includes/fwd-decls\)$', re.M)
    for block in re.split(r'(?m)^(?=\S.* should add these lines:$|\(.* has correct #includes/fwd-decls\)$)', raw):
        first = block_start.match(block)
        if not first:
            continue
        file = os.path.relpath(os.path.realpath(first.group(1) or first.group(2)), repo)
        if file not in paths or paths[file] in seen:
            continue
        file = paths[file]  # a source analysed as a copy (its moc includes blank) -> its own path
        seen.add(file)
        if first.group(2):
            continue
        block = block.split('\n---')[0].rstrip() + '\n---\n'
        # C++ code includes <cstddef>, not <stddef.h>; an include the file already has is no news.
        block = c_headers.sub(lambda m: '<c' + m.group(1) + '>', block)
        text = open(os.path.join(repo, file)).read()
        already = [line for line in sections(block)[0] if line.split('//')[0].strip() in text]
        block = '\n'.join(line for line in block.split('\n') if line not in already)
        if sections(block) == ([], []):
            continue
        changes += 1
        kept.append(block.replace(first.group(1), os.path.join(repo, file)))
    errors = [line for line in raw.splitlines() if ' error: ' in line or line.startswith('error:') or 'Assertion failed' in line]
    missing = sorted(set(paths.values()) - seen)
    open(os.path.join(work, 'advice.txt'), 'w').write('\n'.join(kept))
    if kept:
        print('\n'.join(kept))
    for line in errors:
        print(line, file=sys.stderr)
    for file in missing:
        print(f'check-includes: include-what-you-use gave no report for {file}', file=sys.stderr)
    print(f'check-includes: {len(paths)} files checked, {changes} to change', file=sys.stderr)
    return 2 if errors or missing else (1 if changes else 0)


def kind(line):
    name = line.split('#include', 1)[1].strip()
    if name.startswith('"'):
        return 0
    inner = name.strip('<>').split('>')[0]
    if '/' in inner or inner[:1].isupper() or inner.endswith(('.hpp', '.hxx')):
        return 1
    return 3 if inner.endswith('.h') else 2

def blocks_of(lines):
    """Runs of consecutive #include lines, as [first, last] line indices."""
    blocks, start = [], None
    for index, line in enumerate(lines + ['']):
        if line.startswith('#include'):
            start = index if start is None else start
        elif start is not None:
            blocks.append([start, index - 1])
            start = None
    return blocks

def top_folder(line):
    return line.split('"')[1].split('/')[0] if '"' in line else ''

def insert(lines, new, main_header):
    blocks = blocks_of(lines)
    same = [b for b in blocks if kind(lines[b[0]]) == kind(new)
            and not (b[0] == b[1] and lines[b[0]].split('#include')[1].strip() == main_header)]
    if same:
        if kind(new) == 0:
            # Stable: among blocks sharing as many lines of the new one's folder, the last.
            same.sort(key=lambda b: sum(top_folder(lines[i]) == top_folder(new) for i in range(b[0], b[1] + 1)) > 0)
        first, last = same[-1]
        start = first + 1 if main_header in lines[first] else first
        at = next((i for i in range(start, last + 1) if lines[i] > new), last + 1)
        lines.insert(at, new)
        return
    # A new block, after the blocks of kinds that come before it, before the others.
    after = [b for b in blocks if kind(lines[b[0]]) <= kind(new)]
    if after:
        at = after[-1][1] + 1
        lines[at:at] = ['', new]
    elif blocks:
        at = blocks[0][0]
        lines[at:at] = [new, '']
    else:
        at = next(i for i, line in enumerate(lines) if line.startswith(('namespace', '#pragma once')))
        at += 1 if lines[at].startswith('#pragma') else 0
        lines[at:at] = ['', new] if lines[at - 1] else [new, '']


def fix(repo, advice):
    """Applies the advice text of report() to the files it names, in the project's include order."""
    for block in advice.split('\n---'):
        head = re.search(r'^(.*) should add these lines:$', block, re.M)
        if not head:
            continue
        path = head.group(1)
        add_lines, remove_lines = sections(block)
        adds = [line.split('//')[0].strip() for line in add_lines]
        removes = [int(m.group(1)) for line in remove_lines for m in re.finditer(r'// lines (\d+)-\d+', line)]
        lines = open(path).read().split('\n')
        for number in sorted(removes, reverse=True):
            del lines[number - 1]
            if number - 1 < len(lines) and not lines[number - 1].strip() and not lines[number - 2].strip():
                del lines[number - 1]
        main_header = '"' + os.path.splitext(os.path.relpath(path, repo))[0] + '.h"'
        for new in adds:
            insert(lines, new, main_header)
        open(path, 'w').write('\n'.join(lines))
        print(f'check-includes: fixed {os.path.relpath(path, repo)} (+{len(adds)} -{len(removes)})', file=sys.stderr)


if __name__ == '__main__':
    if len(sys.argv) == 4 and sys.argv[1] == 'report':
        sys.exit(report(sys.argv[2], sys.argv[3]))
    if len(sys.argv) == 4 and sys.argv[1] == 'fix':
        fix(sys.argv[2], open(sys.argv[3]).read())
        sys.exit(0)
    sys.exit(__doc__)
