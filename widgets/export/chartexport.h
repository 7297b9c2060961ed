#pragma once
// Saves the charts of a page as PNG, JPEG, PDF or SVG files, chosen by the file's extension.

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
/// written; empty as soon as one cannot be written, with the reason (file and problem, as the
/// CLI words it) in @p error when given. O(charts x pixels).
QStringList exportCharts(const std::vector<NamedChart>& charts, const QString& path, int width = 900, int height = 500,
                         QString* error = nullptr);
/// exportCharts at the default size, with the reason in @p error.
inline QStringList exportCharts(const std::vector<NamedChart>& charts, const QString& path, QString* error)
{
    return exportCharts(charts, path, 900, 500, error);
}

} // namespace coinfer
