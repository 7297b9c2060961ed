#pragma once
// Saves the charts of a page as PNG, JPEG, PDF or SVG files, chosen by the file's extension.

#include "core/util/expected.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace coinfer {

class ChartView;

/// One chart of a page and the name that tells its file apart ("energy").
struct NamedChart {
    QString name;
    const ChartView* chart = nullptr;
};

/// Saves @p charts by @p path's extension at @p width x @p height: @p path itself for one chart,
/// else one file per chart named path-<name>.<ext>, each written atomically. Returns the files
/// written, or an Io error at the first that cannot be written (file and problem, as the CLI
/// words it). O(charts x pixels).
Expected<QStringList> exportCharts(const std::vector<NamedChart>& charts, const QString& path, int width = 900, int height = 500);

} // namespace coinfer
