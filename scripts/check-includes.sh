#!/usr/bin/env bash
# Include what you use: runs include-what-you-use (Debian's iwyu, 0.18) with scripts/iwyu.imp on
# the given sources and headers, prints each #include it would add or remove, and exits 1 if one
# must change (0 if none, 2 if a file could not be analysed).
# Usage: scripts/check-includes.sh [--fix] [FILE...]
#   FILE: .cpp or .h files of the repository; default: every one of core/dnn, core/io,
#   core/learning, core/model, core/online, core/simulation, core/sweep, core/util, app, gpu (host
#   C++ only), python and bench. fuzz/ is checked with a fuzz build as COINFER_BUILD_DIR (below).
#   --fix applies the advice in the project's include order: each new line goes, sorted, into the
#   block of its kind (project "...", third-party <lib/...>, standard <name>, system <name.h>),
#   a project one into the block of its own top folder; nothing else moves. Read the diff.
# Needs a configured build with every optional part the files use (Qt for app/gui_main.cpp,
# Python for python/): cmake -S . -B build -G Ninja -DCOINFER_CUDA=OFF. COINFER_BUILD_DIR names
# another build folder (one configured with -DCOINFER_FUZZ=ON for fuzz/); COINFER_IWYU_JOBS the
# number of parallel runs (default: the CPU count). A target's precompiled header is left out.
#
# A header with a .cpp of the same name is checked with that .cpp; one without (expected.h,
# scenario.h...) through a one-line .cpp that includes it, compiled with the flags of a source
# that includes it (one in its own folder if there is one), else of a source in its folder. A source that a unity build compiles inside unity_N_cxx.cxx is checked on its own,
# with that unit's flags, so an include that only a neighbour in the unit provides is caught.
# Headers that need the CUDA toolkit (gpu/cudasupport.h and what includes it) are not checked.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
build=${COINFER_BUILD_DIR:-build}
jobs=${COINFER_IWYU_JOBS:-$(nproc)}

fix=0
if [[ "${1:-}" == "--fix" ]]; then
  fix=1
  shift
fi
if [[ ! -f "$build/compile_commands.json" ]]; then
  echo "check-includes: $build/compile_commands.json is missing; configure first:" >&2
  echo "  cmake -S . -B $build -G Ninja -DCOINFER_CUDA=OFF" >&2
  exit 2
fi
for tool in include-what-you-use iwyu_tool; do
  if ! command -v "$tool" >/dev/null; then
    echo "check-includes: $tool not found (apt-get install iwyu)" >&2
    exit 2
  fi
done

if (( $# == 0 )); then
  mapfile -t files < <(git ls-files 'core/dnn/*.cpp' 'core/dnn/*.h' 'core/io/*.cpp' 'core/io/*.h' \
    'core/learning/*.cpp' 'core/learning/*.h' 'core/model/*.cpp' 'core/model/*.h' 'core/online/*.cpp' \
    'core/online/*.h' 'core/simulation/*.cpp' 'core/simulation/*.h' 'core/sweep/*.cpp' 'core/sweep/*.h' \
    'core/util/*.cpp' 'core/util/*.h' 'app/*.cpp' 'app/*.h' 'gpu/*.cpp' 'gpu/*.h' 'python/*.cpp' \
    'python/*.h' 'bench/*.cpp' 'bench/*.h')
else
  files=("$@")
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The compilation database IWYU runs on ($work/compile_commands.json), the files to run it on
# ($work/sources) and the map from each analysed path back to the repository's file ($work/paths.json).
python3 - "$repo" "$build" "$work" "${files[@]}" <<'EOF'
import json, os, re, shlex, sys

repo, build, work, requested = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
cuda_marks = ('<cuda_runtime.h>', '<cudnn.h>', '<cublas_v2.h>', '"gpu/cudasupport.h"')

def relative(path):
    return os.path.relpath(os.path.realpath(path), repo)

# Each source's command; the sources of a unity unit take the unit's command.
commands = {}
for entry in json.load(open(os.path.join(build, 'compile_commands.json'))):
    arguments = entry['arguments'] if 'arguments' in entry else shlex.split(entry['command'])
    arguments = [a for a in arguments if a != '-Werror'] + ['-w']
    # A target's precompiled header (GCC's .gch, which clang cannot read) is force-included into
    # each source; without it IWYU sees only what the file includes itself.
    arguments = [a for i, a in enumerate(arguments) if a != '-Winvalid-pch' and not
                 (a == '-include' and i + 1 < len(arguments) and arguments[i + 1].endswith('cmake_pch.hxx'))
                 and not (i > 0 and arguments[i - 1] == '-include' and a.endswith('cmake_pch.hxx'))]
    source = os.path.join(entry['directory'], entry['file'])
    if re.search(r'/Unity/unity_\d+_cxx\.cxx$', source):
        members = re.findall(r'^#include "([^"]+)"', open(source).read(), re.M)
    else:
        members = [source]
    for member in members:
        commands[relative(member)] = (entry['directory'], arguments, source)

def command_for(path, directory, arguments, old_source):
    arguments = [path if a == old_source or a == os.path.relpath(old_source, directory) else a for a in arguments]
    return {'directory': directory, 'arguments': arguments, 'file': path}

def flags_near(header):
    # The flags of a compiled source that includes the header, one in its own folder first.
    spelled = f'#include "{header}"'
    includers = sorted((os.path.dirname(s) != os.path.dirname(header), s) for s in commands
                       if os.path.exists(s) and spelled in open(s).read())
    if includers:
        return commands[includers[0][1]]
    # Included by headers only: a source of its own folder has its layer's include path.
    neighbours = sorted(s for s in commands if os.path.dirname(s) == os.path.dirname(header))
    return commands[neighbours[0]] if neighbours else None

database, sources, paths, problems = [], [], {}, []
for file in sorted(set(relative(f) for f in requested)):
    stem, extension = os.path.splitext(file)
    if extension == '.cpp':
        if file not in commands:
            problems.append(f'{file} is not in {build}/compile_commands.json (is its target configured?)')
            continue
        directory, arguments, old = commands[file]
        database.append(command_for(os.path.join(repo, file), directory, arguments, old))
        sources.append(os.path.join(repo, file))
        paths[file] = file
    elif extension == '.h':
        if os.path.exists(stem + '.cpp') and stem + '.cpp' in commands:
            if stem + '.cpp' not in requested and os.path.join(repo, stem + '.cpp') not in sources:
                directory, arguments, old = commands[stem + '.cpp']
                database.append(command_for(os.path.join(repo, stem + '.cpp'), directory, arguments, old))
                sources.append(os.path.join(repo, stem + '.cpp'))
            paths[file] = file
            continue
        if any(mark in open(file).read() for mark in cuda_marks):
            print(f'check-includes: {file} needs the CUDA toolkit; not checked', file=sys.stderr)
            continue
        near = flags_near(file)
        if near is None:
            problems.append(f'{file}: no compiled source includes it, so no flags to check it with')
            continue
        unit_folder = os.path.join(work, 'headers', stem.replace('/', '_'))
        os.makedirs(unit_folder)
        unit = os.path.join(unit_folder, os.path.basename(stem) + '.cpp')
        # By its full path: fuzz/ includes its header by the bare name, without the repository root.
        open(unit, 'w').write(f'#include "{os.path.join(repo, file)}"\n')
        database.append(command_for(unit, *near))
        sources.append(unit)
        paths[file] = file
    else:
        problems.append(f'{file}: not a .cpp or .h file')

json.dump(database, open(os.path.join(work, 'compile_commands.json'), 'w'), indent=1)
open(os.path.join(work, 'sources'), 'w').write('\n'.join(sources) + '\n')
json.dump(paths, open(os.path.join(work, 'paths.json'), 'w'))
for problem in problems:
    print('check-includes: ' + problem, file=sys.stderr)
sys.exit(2 if problems else 0)
EOF

mapfile -t sources < "$work/sources"
iwyu_tool -p "$work" -j "$jobs" "${sources[@]}" -- \
  -Xiwyu --mapping_file="$repo/scripts/iwyu.imp" -Xiwyu --no_fwd_decls -Xiwyu --cxx17ns \
  -Xiwyu --quoted_includes_first -Xiwyu --max_line_length=130 >"$work/raw.txt" 2>&1 || true

# Keep the reports of the requested files, under their repository paths; say which must change.
status=0
python3 - "$repo" "$work" <<'EOF' || status=$?
import json, os, re, sys

repo, work = sys.argv[1], sys.argv[2]
paths = json.load(open(os.path.join(work, 'paths.json')))
raw = open(os.path.join(work, 'raw.txt')).read()
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

kept, changes, seen = [], 0, set()
c_headers = re.compile(r'<(assert|ctype|errno|float|limits|math|stddef|stdint|stdio|stdlib|string|time)\.h>')
block_start = re.compile(r'^(.*) should add these lines:$|^\((.*) has correct #includes/fwd-decls\)$', re.M)
for block in re.split(r'(?m)^(?=\S.* should add these lines:$|\(.* has correct #includes/fwd-decls\)$)', raw):
    first = block_start.match(block)
    if not first:
        continue
    file = os.path.relpath(os.path.realpath(first.group(1) or first.group(2)), repo)
    if file not in paths or file in seen:
        continue
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
missing = sorted(set(paths) - seen)
open(os.path.join(work, 'advice.txt'), 'w').write('\n'.join(kept))
if kept:
    print('\n'.join(kept))
for line in errors:
    print(line, file=sys.stderr)
for file in missing:
    print(f'check-includes: include-what-you-use gave no report for {file}', file=sys.stderr)
print(f'check-includes: {len(paths)} files checked, {changes} to change', file=sys.stderr)
sys.exit(2 if errors or missing else (1 if changes else 0))
EOF
if (( fix == 1 && status == 1 )); then
  python3 - "$repo" "$work/advice.txt" <<'EOF'
import os, re, sys

repo, advice = sys.argv[1], open(sys.argv[2]).read()

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
EOF
fi
exit "$status"
