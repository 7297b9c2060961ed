#include "widgets/export/report.h"

#include "widgets/charts/chartview.h"

#include "core/io/fileio.h"

#include <QBuffer>
#include <QByteArray>
#include <QCoreApplication>
#include <QFlags>
#include <QFont>
#include <QFontMetrics>
#include <QIODevice>
#include <QList>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QPixmap>
#include <QPoint>
#include <QRect>
#include <QStringList>
#include <QTableWidget>
#include <QTableWidgetItem>
#include <QTextDocumentFragment>
#include <Qt>

#include <algorithm>
#include <cstddef>
#include <numeric>
#include <string>

namespace coinfer {
namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("coinfer::Report", text);
}

/// The painter and how far down the page it has written.
struct Page {
    QPainter& painter;
    int width;
    int y = 0;
};

QString scenarioSummary(const Scenario& scenario)
{
    const auto byDeadline = [](const User& a, const User& b) { return a.deadlineMs < b.deadlineMs; };
    const bool none = scenario.users.empty();
    return tr("%1 users; DNN %2 with %3 sub-tasks, input %4 bytes; edge batches up to %5; deadlines %6 to %7 ms.")
        .arg(scenario.userCount())
        .arg(QString::fromStdString(scenario.dnn.name))
        .arg(scenario.dnn.subtaskCount())
        .arg(scenario.dnn.inputBytes)
        .arg(scenario.dnn.maxBatch())
        .arg(none ? 0 : std::min_element(scenario.users.begin(), scenario.users.end(), byDeadline)->deadlineMs)
        .arg(none ? 0 : std::max_element(scenario.users.begin(), scenario.users.end(), byDeadline)->deadlineMs);
}

/// The title, the scenario in a sentence and the recommendation; leaves the body font set.
void drawHeading(Page& page, const Scenario& scenario, const QString& recommendationHtml)
{
    QPainter& painter = page.painter;
    QFont title = painter.font();
    title.setPointSize(16);
    title.setBold(true);
    painter.setFont(title);
    painter.drawText(QRect(0, page.y, page.width, 60), Qt::AlignLeft,
                     tr("Coinfer: %1").arg(QString::fromStdString(scenario.name.empty() ? "scenario" : scenario.name)));
    page.y += 70;
    QFont body = painter.font();
    body.setPointSize(9);
    body.setBold(false);
    painter.setFont(body);
    painter.drawText(QRect(0, page.y, page.width, 80), Qt::TextWordWrap, scenarioSummary(scenario));
    page.y += 90;
    const QString recommendation = QTextDocumentFragment::fromHtml(recommendationHtml).toPlainText();
    const QRect recommendationRect = painter.boundingRect(QRect(0, page.y, page.width, 200), Qt::TextWordWrap, recommendation);
    painter.drawText(QRect(0, page.y, page.width, recommendationRect.height()), Qt::TextWordWrap, recommendation);
    page.y += recommendationRect.height() + 20;
}

/// Columns as wide as their widest text in @p metrics (bold, to be safe); when they do not all
/// fit @p width, the last column (the search's sentence) takes what is left and its text wraps.
/// Sets @p headerLines to the most lines a header has.
std::vector<int> columnWidths(const QTableWidget& table, const QFontMetrics& metrics, int padding, int width, int& headerLines)
{
    const int columns = table.columnCount();
    std::vector<int> widths(static_cast<size_t>(columns), 0);
    headerLines = 1;
    for (int c = 0; c < columns; ++c) {
        int widest = 0;
        const QStringList lines = table.horizontalHeaderItem(c)->text().split('\n');
        headerLines = std::max(headerLines, static_cast<int>(lines.size()));
        for (const QString& line : lines)
            widest = std::max(widest, metrics.horizontalAdvance(line));
        for (int r = 0; r < table.rowCount(); ++r)
            if (table.item(r, c))
                widest = std::max(widest, metrics.horizontalAdvance(table.item(r, c)->text()));
        widths[static_cast<size_t>(c)] = widest + padding;
    }
    const int others = std::accumulate(widths.begin(), widths.end() - 1, 0);
    const int leastLast = std::min(widths.back(), width / 5);
    if (others + widths.back() > width && others + leastLast <= width) {
        widths.back() = width - others;
    } else if (others + widths.back() > width) {
        const double total = std::accumulate(widths.begin(), widths.end(), 0.0);
        for (int& w : widths)
            w = static_cast<int>(w * width / total);
    }
    return widths;
}

/// The comparison table as the app shows it: headers keep their line breaks, the recommended
/// plan's row is bold, and a cell too long for its column wraps onto more lines (never cut).
void drawTable(Page& page, const QTableWidget& table)
{
    QPainter& painter = page.painter;
    const QFont body = painter.font();
    QFont bold = body;
    bold.setBold(true);
    painter.setFont(bold);
    const QFontMetrics metrics = painter.fontMetrics();
    const int padding = metrics.horizontalAdvance(QStringLiteral("  "));
    int headerLines = 1;
    const std::vector<int> widths = columnWidths(table, metrics, padding, page.width, headerLines);
    const int gap = metrics.height() / 3;
    // The height of a row: its tallest cell, wrapped to the column's width.
    auto heightOf = [&](auto textOf) {
        int tallest = metrics.height();
        for (int c = 0; c < table.columnCount(); ++c)
            tallest = std::max(tallest, painter
                                            .boundingRect(QRect(0, 0, widths[static_cast<size_t>(c)] - padding / 2, 10'000),
                                                          Qt::TextWordWrap, textOf(c))
                                            .height());
        return tallest + gap;
    };
    // Headers stand on the rule under them; a row's cells start level, so a wrapped cell reads
    // on from its row's first line (bottom-aligned, its first line stood above the row's name).
    auto drawRow = [&](int top, int height, auto textOf, Qt::Alignment vertical) {
        int x = 0;
        for (int c = 0; c < table.columnCount(); ++c) {
            const int w = widths[static_cast<size_t>(c)];
            painter.drawText(QRect(x, top, w - padding / 2, height), Qt::AlignLeft | vertical | Qt::TextWordWrap, textOf(c));
            x += w;
        }
    };
    auto headerOf = [&table](int c) { return table.horizontalHeaderItem(c)->text(); };
    const int headerHeight = std::max(headerLines * metrics.height() + gap, heightOf(headerOf));
    drawRow(page.y, headerHeight, headerOf, Qt::AlignBottom);
    page.y += headerHeight;
    painter.drawLine(0, page.y, page.width, page.y);
    for (int r = 0; r < table.rowCount(); ++r) {
        const QTableWidgetItem* name = table.item(r, 0);
        painter.setFont(name && name->font().bold() ? bold : body); // the recommended plan
        auto cellOf = [&table, r](int c) { return table.item(r, c) ? table.item(r, c)->text() : QString(); };
        const int rowHeight = heightOf(cellOf);
        drawRow(page.y + gap, rowHeight - gap, cellOf, Qt::AlignTop);
        page.y += rowHeight;
    }
    painter.setFont(body);
}

/// The chart at @p target, laid out at 1/kChartScale of the page's pixels so that its text
/// prints at a readable size.
void drawChart(QPainter& painter, const QRect& target, const ChartView& chart)
{
    constexpr double kChartScale = 1.6;
    const QPixmap pixmap = chart.toPixmap(static_cast<int>(target.width() / kChartScale),
                                          static_cast<int>(target.height() / kChartScale), kChartScale);
    painter.drawPixmap(target, pixmap);
}

/// The timeline overview across the page's width, its aspect kept, in the height left on the
/// page (the charts start on the next one): at 2,000 users it was a thumbnail with a legend
/// nobody could read beside half a page left empty.
void drawTimelineOverview(Page& page, int pageHeight, const QImage& overview)
{
    if (overview.isNull())
        return;
    page.painter.drawText(QRect(0, page.y, page.width, 40), Qt::AlignLeft | Qt::AlignBottom, tr("Timeline overview"));
    page.y += 45;
    const int left = std::max(pageHeight / 6, pageHeight - page.y - 10);
    const int height = std::min(left, overview.height() * page.width / std::max(1, overview.width()));
    const QImage scaled = overview.scaled(page.width, height, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    page.painter.drawImage(QPoint(0, page.y), scaled);
    page.y += scaled.height() + 30;
}

/// The first chart full width, the others two a row, in the height left on the page; on a new
/// page when a row would be under @p minRowHeight.
void drawCharts(QPdfWriter& pdf, Page& page, int pageHeight, const std::vector<const ChartView*>& charts)
{
    constexpr int kGap = 20, kMinRowHeight = 330;
    if (charts.empty())
        return;
    const int rows = 1 + (static_cast<int>(charts.size()) - 1 + 1) / 2;
    auto rowHeight = [&] { return (pageHeight - page.y - kGap * (rows - 1)) / rows; };
    if (rowHeight() < kMinRowHeight) {
        pdf.newPage();
        page.y = 0;
    }
    const int height = std::min(rowHeight(), pageHeight / 3);
    drawChart(page.painter, QRect(0, page.y, page.width, height), *charts.front());
    page.y += height + kGap;
    const int half = (page.width - kGap) / 2;
    for (size_t i = 1; i < charts.size(); i += 2) {
        drawChart(page.painter, QRect(0, page.y, i + 1 < charts.size() ? half : page.width, height), *charts[i]);
        if (i + 1 < charts.size())
            drawChart(page.painter, QRect(half + kGap, page.y, half, height), *charts[i + 1]);
        page.y += height + kGap;
    }
}

} // namespace

Expected<void> writeReport(const QString& path, const Scenario& scenario, const ReportContents& contents)
{
    // Drawn into memory, then written atomically: an old report stays whole until the new one is.
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QPdfWriter pdf(&buffer);
    pdf.setPageSize(QPageSize(QPageSize::A4));
    pdf.setResolution(150);
    pdf.setTitle(tr("Coinfer report"));
    QPainter painter;
    if (!painter.begin(&pdf))
        return Unexpected(Error{ErrorCode::Io, tr("%1 could not be written").arg(path).toStdString()});
    Page page{painter, pdf.width()};
    drawHeading(page, scenario, contents.recommendation);
    if (contents.table)
        drawTable(page, *contents.table);
    page.y += 30;
    drawTimelineOverview(page, pdf.height(), contents.timelineOverview);
    drawCharts(pdf, page, pdf.height(), contents.charts);
    painter.end();
    const QByteArray& bytes = buffer.data();
    return writeFileAtomically(path.toStdString(), std::string(bytes.constData(), static_cast<size_t>(bytes.size())));
}

} // namespace coinfer
