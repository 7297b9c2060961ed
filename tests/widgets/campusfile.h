#pragma once
// examples/campus.json with a population of any size, for the tests that need a large scenario
// read from a file (open, generate, bulk edits at 2,000 to 10,000 users).

#include "core/io/fileio.h"
#include "core/util/expected.h"

#include <QByteArray>
#include <QFile>
#include <QIODevice>
#include <QString>
#include <QTemporaryDir>
#include <QtGlobal>

#include <cstddef>
#include <string>

namespace coinfer::testing {

/// The text of examples/campus.json with its population count set to @p users; empty when the
/// example no longer has the "count": 200 it is made from.
inline std::string campusWithUsers(int users)
{
    std::string campus = *readTextFile(COINFER_EXAMPLES "/campus.json");
    const size_t at = campus.find("\"count\": 200");
    if (at == std::string::npos)
        return {};
    return campus.replace(at, 12, "\"count\": " + std::to_string(users));
}

/// campusWithUsers(@p users) written into @p dir as campus-N.json; its path, or an empty string
/// when it could not be made.
inline QString writeCampusWithUsers(const QTemporaryDir& dir, int users)
{
    const std::string campus = campusWithUsers(users);
    const QString path = dir.path() + QString("/campus-%1.json").arg(users);
    QFile file(path);
    if (campus.empty() || !file.open(QIODevice::WriteOnly) ||
        file.write(QByteArray::fromStdString(campus)) != static_cast<qint64>(campus.size()))
        return {};
    return path;
}

} // namespace coinfer::testing
