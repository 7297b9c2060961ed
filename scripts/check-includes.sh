#!/usr/bin/env bash
# Include what you use: runs include-what-you-use (Debian's iwyu, 0.18) with scripts/iwyu.imp on
# the given sources and headers, prints each #include it would add or remove, and exits 1 if one
# must change (0 if none, 2 if a file could not be analysed).
# Usage: scripts/check-includes.sh [--fix] [FILE...]
#   FILE: .cpp or .h files of the repository; default: every one of core/dnn, core/io,
#   core/learning, core/model, core/online, core/simulation, core/sweep, core/util, app, gpu (host
#   C++ only), python, bench, widgets and tests/widgets. fuzz/ is checked with a fuzz build as
#   COINFER_BUILD_DIR (below).
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
# Qt's mapping (each <qwidget.h> is <QWidget>) is generated from the installed Qt 6 at each run,
# into $build/iwyu-qt6.imp, by scripts/iwyu-mapgen-qt6.py; the build folder needs AUTOMOC's output
# (a built or partly built widgets layer) for the files that include their .moc.
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
    'python/*.h' 'bench/*.cpp' 'bench/*.h' 'widgets/*.cpp' 'widgets/*.h' 'tests/widgets/*.cpp' \
    'tests/widgets/*.h')
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
    # The flags of a compiled source that includes the header, one in its own folder first, then
    # the one with the most arguments: each layer a target links adds an include root, and a
    # header shared by tests (tests/widgets/widgettest.h) needs the widest.
    # A source of the header's folder may spell it by its bare name ("widgettest.h").
    def includes(source):
        text = open(source).read()
        return f'#include "{header}"' in text or (os.path.dirname(source) == os.path.dirname(header)
                                                    and f'#include "{os.path.basename(header)}"' in text)
    includers = sorted((os.path.dirname(s) != os.path.dirname(header), -len(commands[s][1]), s) for s in commands
                       if os.path.exists(s) and includes(s))
    if includers:
        return commands[includers[0][2]]
    # Included by headers only: a source of its own folder has its layer's include path.
    neighbours = sorted(s for s in commands if os.path.dirname(s) == os.path.dirname(header))
    return commands[neighbours[0]] if neighbours else None

moc_include = re.compile(r'^#include "(moc_[^"/]*\.cpp|[^"/]*\.moc)"', re.M)

def without_moc(file):
    """The path to analyse the source FILE at: itself, or, if it includes AUTOMOC's output
    (moc_NAME.cpp, NAME.moc), a copy of the same name with those lines blank (so its line numbers
    stay). moc_NAME.cpp includes NAME.h again by another path, and IWYU then advises the header by
    that path and the header's own includes away; the moc output needs nothing of the file's."""
    text = open(file).read()
    if not moc_include.search(text):
        return os.path.join(repo, file)
    folder = os.path.join(work, 'copies', os.path.dirname(file))
    os.makedirs(folder, exist_ok=True)
    copy = os.path.join(folder, os.path.basename(file))
    open(copy, 'w').write(moc_include.sub('', text))
    return copy

database, sources, paths, problems = [], [], {}, []
for file in sorted(set(relative(f) for f in requested)):
    stem, extension = os.path.splitext(file)
    if extension == '.cpp':
        if file not in commands:
            problems.append(f'{file} is not in {build}/compile_commands.json (is its target configured?)')
            continue
        directory, arguments, old = commands[file]
        analysed = without_moc(file)
        if analysed != os.path.join(repo, file):
            arguments = arguments[:1] + ['-iquote', os.path.join(repo, os.path.dirname(file))] + arguments[1:]
        database.append(command_for(analysed, directory, arguments, old))
        sources.append(analysed)
        paths[relative(analysed)] = file
    elif extension == '.h':
        if os.path.exists(stem + '.cpp') and stem + '.cpp' in commands:
            analysed = without_moc(stem + '.cpp')
            if stem + '.cpp' not in requested and analysed not in sources:
                directory, arguments, old = commands[stem + '.cpp']
                if analysed != os.path.join(repo, stem + '.cpp'):
                    arguments = arguments[:1] + ['-iquote', os.path.join(repo, os.path.dirname(file))] + arguments[1:]
                database.append(command_for(analysed, directory, arguments, old))
                sources.append(analysed)
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

# Generated, not committed: it must list the class headers of the Qt that the build compiles
# against, and a Qt update adds some (Qt 6.5's <QtAssert>) and moves names between headers.
mappings=(-Xiwyu --mapping_file="$repo/scripts/iwyu.imp")
if python3 "$repo/scripts/iwyu-mapgen-qt6.py" "$build/iwyu-qt6.imp"; then
  mappings+=(-Xiwyu --mapping_file="$(realpath "$build/iwyu-qt6.imp")")
else
  echo "check-includes: no Qt 6 mapping; advice on Qt files will name Qt's internal headers" >&2
fi

mapfile -t sources < "$work/sources"
iwyu_tool -p "$work" -j "$jobs" "${sources[@]}" -- \
  "${mappings[@]}" -Xiwyu --no_fwd_decls -Xiwyu --cxx17ns \
  -Xiwyu --quoted_includes_first -Xiwyu --max_line_length=130 >"$work/raw.txt" 2>&1 || true

# Keep the reports of the requested files, under their repository paths; say which must change.
status=0
python3 "$repo/scripts/iwyu_advice.py" report "$repo" "$work" || status=$?
if (( fix == 1 && status == 1 )); then
  python3 "$repo/scripts/iwyu_advice.py" fix "$repo" "$work/advice.txt"
fi
exit "$status"
