#pragma once
// The command line run in-process for the CLI tests (test_cli, test_cli_models, test_cli_options),
// and the readers of its outputs they share.

#include "app/cli.h"
#include "app/cli/profile.h"
#include "gpu/profiler.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace coinfer::testing {

struct Run {
    int status;
    std::string out, err;
};

/// Runs the command line in-process, with gpu/'s profiler linked in as coinfer-profile has it.
inline Run run(std::vector<std::string> args)
{
    std::ostringstream out, err;
    const int status = runCli(args, out, err, &cli::gpuProfiler());
    return {status, out.str(), err.str()};
}

inline const std::string kClassroom = COINFER_EXAMPLES "/classroom.json";

inline QJsonObject parse(const std::string& text)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(text)).object();
}

/// The rows of `coinfer compare`'s table by algorithm: the header's columns to their cells.
inline std::map<std::string, std::map<std::string, std::string>> compareRows(const std::string& text)
{
    std::istringstream lines(text);
    std::string line;
    std::getline(lines, line);
    std::istringstream headerCells(line);
    std::vector<std::string> header;
    for (std::string cell; headerCells >> cell;)
        header.push_back(cell);
    std::map<std::string, std::map<std::string, std::string>> rows;
    while (std::getline(lines, line)) {
        std::istringstream cells(line);
        std::vector<std::string> row;
        for (std::string cell; cells >> cell;)
            row.push_back(cell);
        if (row.size() != header.size())
            continue; // the notes under the table
        for (size_t i = 0; i < header.size(); ++i)
            rows[row[0]][header[i]] = row[i];
    }
    return rows;
}

/// Writes @p plan as a plan file in @p dir and returns its path.
inline std::string writePlanFile(const QTemporaryDir& dir, const QJsonObject& plan)
{
    const QString path = dir.path() + "/edited-plan.json";
    QFile file(path);
    file.open(QIODevice::WriteOnly | QIODevice::Truncate);
    file.write(QJsonDocument(plan).toJson());
    return path.toStdString();
}

} // namespace coinfer::testing
