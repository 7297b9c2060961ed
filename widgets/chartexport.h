#pragma once
// Saves a chart as PNG, JPEG, PDF or SVG, chosen by the file's extension.

#include <QString>

class QCustomPlot;

namespace coinfer {

/// Writes @p chart at @p width x @p height; false (and nothing written) on failure.
bool exportChart(QCustomPlot* chart, const QString& path, int width = 900, int height = 500);

} // namespace coinfer
