#!/usr/bin/env python3
"""Writes an include-what-you-use mapping for the installed Qt 6, for scripts/check-includes.sh.

Usage: iwyu-mapgen-qt6.py [--headers DIR] OUTPUT
  DIR: Qt's header folder (the one holding QtCore/, QtWidgets/...); default: what
  `qmake6 -query QT_INSTALL_HEADERS` prints, else /usr/include/x86_64-linux-gnu/qt6.
  OUTPUT: the .imp file to write ('-' for standard output).

Qt documents each class by its class header (<QWidget>), a file without an extension whose one
line is `#include "qwidget.h"`. IWYU sees only the lower-case header that declares the name, so
without this mapping it advises <qwidget.h>. For each module folder, each class header makes its
lower-case header private and itself public, in the quoted, angled and module-qualified angled
spellings (<qwidget.h>, "qwidget.h", <QtWidgets/qwidget.h>). Where several class headers include
the same lower-case header (qglobal.h: <QtGlobal>, <QFunctionPointer>...), it maps to each of them,
so IWYU keeps the one the file already includes; the one named like the header (qglobal.h:
<QtGlobal>) is listed first, as the one to add when none is. Debian's iwyu ships only
qt5_11.imp, and not IWYU's own generator (iwyu-mapgen-qt.py), hence this one; it reads the
headers rather than a list, so it follows whichever Qt 6 is installed.

Each class header's name is also mapped as a symbol (QDropEvent: <QDropEvent>), so that a class
of a header that declares many (qevent.h) is included by its own class header, not by the first
of that header's list. Where a header's names are documented under another class header, EXTRA
puts that one first: QObject's macros (Q_OBJECT, signals: qtmetamacros.h), QtGlobal's
(Q_DISABLE_COPY, qint64), QIODevice's open modes (QIODevice::ReadOnly, declared in its base
QIODeviceBase), and the QTest namespace's functions and macros (QCOMPARE, QTest::qWait, spread
over qtestcase.h, qtestsupport_core.h...); a lower-case header of QtTest without a class header
is <QTest>'s too (MODULE_REST). <QtContainerFwd> is left out: it only forward-declares, and
QVector and QStringList have class headers of their own.
"""
import os, re, subprocess, sys

DEFAULT_HEADERS = '/usr/include/x86_64-linux-gnu/qt6'

# (module, lower-case header) -> the class header to list first for it: one whose documentation
# lists the header's names, where the header has no class header or not that one.
EXTRA = {
    ('QtCore', 'qtmetamacros.h'): 'QObject',      # Q_OBJECT, Q_SIGNALS, signals, slots, emit
    ('QtCore', 'qobjectdefs.h'): 'QObject',       # QMetaObject's declarations, Q_INVOKABLE
    ('QtCore', 'qtclasshelpermacros.h'): 'QtGlobal',  # Q_DISABLE_COPY, Q_DECLARE_PRIVATE
    ('QtCore', 'qtypes.h'): 'QtGlobal',           # qint64, qreal, quintptr
    ('QtCore', 'qtconfigmacros.h'): 'QtGlobal',
    ('QtCore', 'qcompilerdetection.h'): 'QtGlobal',  # Q_UNLIKELY, Q_FALLTHROUGH
    ('QtCore', 'qsystemdetection.h'): 'QtGlobal',
    ('QtCore', 'qprocessordetection.h'): 'QtGlobal',
    ('QtCore', 'qassert.h'): 'QtGlobal',          # Q_ASSERT (in qglobal.h before Qt 6.5)
    ('QtCore', 'qiodevicebase.h'): 'QIODevice',   # QIODevice::ReadOnly
    ('QtCore', 'qnamespace.h'): 'Qt',             # Qt::LeftButton, not <QInternal>
    ('QtCore', 'qglobal.h'): 'QtGlobal',          # qOverload, not <QNonConstOverload>
    ('QtCore', 'qstringliteral.h'): 'QString',    # QStringLiteral is documented with QString
    ('QtCore', 'qfuturewatcher.h'): 'QFutureWatcher',  # its signals, not <QFutureWatcherBase>
    ('QtCore', 'qtestsupport_core.h'): 'QTest',   # QTest::qWait
    ('QtGui', 'qtestsupport_gui.h'): 'QTest',
    ('QtWidgets', 'qtestsupport_widgets.h'): 'QTest',  # QTest::qWaitForWindowExposed
}

# Module -> the class header for its lower-case headers that have none of their own.
MODULE_REST = {'QtTest': 'QTest'}

# Class headers that are not a class's: never advised.
LEFT_OUT = {'QtContainerFwd'}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"/]+\.h)"\s*$')


def headers_folder():
    """Qt 6's header folder, from qmake6 if it is installed."""
    try:
        found = subprocess.run(['qmake6', '-query', 'QT_INSTALL_HEADERS'], capture_output=True,
                               text=True, check=True).stdout.strip()
        if found and os.path.isdir(found):
            return found
    except (OSError, subprocess.CalledProcessError):
        pass
    return DEFAULT_HEADERS


def class_headers(module_folder):
    """(class header, lower-case header) for each file of the folder that is a class header: no
    extension and, once comments and blank lines are dropped, one quoted #include of a header
    of the same folder. Module headers (<QtWidgets>) include many and are left out."""
    for name in sorted(os.listdir(module_folder)):
        path = os.path.join(module_folder, name)
        if '.' in name or not os.path.isfile(path):
            continue
        with open(path, encoding='utf-8', errors='replace') as file:
            lines = [line for line in file.read().splitlines()
                     if line.strip() and not line.lstrip().startswith(('//', '/*', '*'))]
        if len(lines) != 1:
            continue
        match = INCLUDE.match(lines[0])
        if match and os.path.isfile(os.path.join(module_folder, match.group(1))):
            yield name, match.group(1)


def preference(lower, public):
    """Sort key that puts first the class header named like the lower-case header (qwidget.h:
    QWidget; qglobal.h: QtGlobal), then those whose name, less its Q, the header's name
    contains, the longest first (qcoreevent.h: QEvent, not QChildEvent), then the others by name.
    (EXTRA's choice goes before all of them.)
    IWYU adds the first one when the file includes none of them."""
    stem = lower[:-2]
    name = public.lower()
    if name in (stem, 'qt' + stem[1:]):
        return (0, 0, public)
    if len(name) > 3 and name[1:] in stem:
        return (1, -len(name), public)
    return (2, 0, public)


def mapping(headers):
    """The mapping's lines for the Qt header folder HEADERS."""
    targets = {}  # (module, lower-case header) -> its class headers
    for module in sorted(os.listdir(headers)):
        folder = os.path.join(headers, module)
        if not module.startswith('Qt') or not os.path.isdir(folder):
            continue
        for public, lower in class_headers(folder):
            if public in LEFT_OUT:
                continue
            targets.setdefault((module, lower), []).append(public)
    for (module, lower), public in EXTRA.items():
        if os.path.isfile(os.path.join(headers, module, lower)):
            targets.setdefault((module, lower), []).append(public)
    for module, public in MODULE_REST.items():
        folder = os.path.join(headers, module)
        if not os.path.isdir(folder):
            continue
        for lower in sorted(os.listdir(folder)):
            if lower.endswith('.h') and (module, lower) not in targets:
                targets[(module, lower)] = [public]

    lines, symbols = [], set()
    for (module, lower), publics in sorted(targets.items()):
        ordered = sorted(set(publics), key=lambda p: preference(lower, p))
        first = EXTRA.get((module, lower))
        if first:
            ordered = [first] + [p for p in ordered if p != first]
        for public in ordered:
            for spelled in (f'<{lower}>', f'\\"{lower}\\"', f'<{module}/{lower}>'):
                lines.append(f'  {{ include: ["{spelled}", "private", "<{public}>", "public"] }}')
            # Where EXTRA chose, the other class headers' names are not advised as symbols.
            if (public == ordered[0] or not first) and public.startswith('Q') \
                    and not public.startswith('Qt') and public not in symbols:
                symbols.add(public)
                lines.append(f'  {{ symbol: ["{public}", "private", "<{public}>", "public"] }}')
    return lines, len(targets)


def main(argv):
    headers = None
    if len(argv) >= 2 and argv[0] == '--headers':
        headers, argv = argv[1], argv[2:]
    if len(argv) != 1:
        sys.exit(__doc__)
    headers = headers or headers_folder()
    if not os.path.isdir(os.path.join(headers, 'QtCore')):
        sys.exit(f'iwyu-mapgen-qt6: {headers} has no QtCore folder; is Qt 6 installed (qt6-base-dev)?')
    lines, count = mapping(headers)
    text = (f'# Generated by scripts/iwyu-mapgen-qt6.py from {headers}: {count} lower-case Qt headers,\n'
            '# each private, mapped to the class headers that include it. Do not edit.\n'
            '[\n' + ',\n'.join(lines) + '\n]\n')
    if argv[0] == '-':
        sys.stdout.write(text)
    else:
        # Replaced whole: a check still running reads the old file, never half of the new one.
        with open(argv[0] + '.tmp', 'w') as file:
            file.write(text)
        os.replace(argv[0] + '.tmp', argv[0])


if __name__ == '__main__':
    main(sys.argv[1:])
