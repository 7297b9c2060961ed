#pragma once
// The one-page PDF report: the scenario in a sentence, the recommendation, the comparison table
// as the app shows it, and charts below.

#include "core/model/scenario.h"

#include <QString>

#include <vector>

class QTableWidget;

namespace coinfer {

class ChartView;

/// What the report shows besides the scenario.
struct ReportContents {
    QString recommendation;                 ///< rich text allowed; printed as plain text
    const QTableWidget* table = nullptr;    ///< the comparison; a bold first cell marks a bold row
    std::vector<const ChartView*> charts;   ///< one above the other, sharing the space left
};

/// Writes an A4 PDF at @p path for @p scenario. False, with @p error (if given) saying why, when
/// the file cannot be written. O(cells + chart pixels).
bool writeReport(const QString& path, const Scenario& scenario, const ReportContents& contents, QString* error = nullptr);

} // namespace coinfer
