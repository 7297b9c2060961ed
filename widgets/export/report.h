#pragma once
// The PDF report: the scenario in a sentence, the recommendation, the comparison table as the
// app shows it, a timeline overview, and charts below (on a second page when they need it).

#include "core/model/scenario.h"
#include "core/util/expected.h"

#include <QImage>
#include <QString>

#include <vector>

class QTableWidget;

namespace coinfer {

class ChartView;

/// What the report shows besides the scenario.
struct ReportContents {
    QString recommendation;              ///< rich text allowed; printed as plain text
    const QTableWidget* table = nullptr; ///< the comparison; a bold first cell marks a bold row
    /// The first full width, the others two a row, sharing the space left (on a page of
    /// their own when too little is left).
    std::vector<const ChartView*> charts;
    /// The whole population's timeline in one strip (null: left out), printed full width under
    /// the table with its aspect kept.
    QImage timelineOverview;
};

/// Writes an A4 PDF at @p path for @p scenario; an Io error saying why when the file cannot be
/// written. O(cells + chart pixels).
Expected<void> writeReport(const QString& path, const Scenario& scenario, const ReportContents& contents);

} // namespace coinfer
