#include "widgets/views/sweepview.h"

#include "core/io/fileio.h"
#include "core/io/scenarioform.h"
#include "widgets/charts/chartview.h"
#include "widgets/charts/palette.h"
#include "widgets/document/errortext.h"
#include "widgets/document/scenariodocument.h"
#include "widgets/export/chartexport.h"
#include "widgets/export/exportpath.h"

#include <QCheckBox>
#include <QColor>
#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPen>
#include <QProgressBar>
#include <QPushButton>
#include <QShortcut>
#include <QSizePolicy>
#include <QSpinBox>
#include <QStringList>
#include <QThread>
#include <QVBoxLayout>
#include <QVariant>
#include <QVector>
#include <Qt>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>

namespace coinfer {
namespace {

QString measureLabel(SweepMeasure measure)
{
    switch (measure) {
    case SweepMeasure::EnergyMj:
        return QObject::tr("Total user energy (mJ)");
    case SweepMeasure::SavingPercent:
        return QObject::tr("Saving against local computing (%)");
    case SweepMeasure::GapPercent:
        return QObject::tr("Gap to the strongest proven lower bound (%)");
    }
    return {};
}

/// " no-batching misses a deadline in 30 of 30 plans (triangles)." for each planner with late
/// plans; empty when every plan is feasible.
QString lateSentence(const std::vector<SweepRow>& rows)
{
    std::map<std::string, std::pair<int, int>> lateOfPlanner; // late, planned
    for (const SweepRow& row : rows)
        if (row.planned) {
            auto& [late, planned] = lateOfPlanner[row.algorithm];
            late += row.feasible ? 0 : 1;
            ++planned;
        }
    QStringList parts;
    for (const auto& [planner, counts] : lateOfPlanner)
        if (counts.first > 0)
            parts << QObject::tr("%1 misses a deadline in %2 of %3 plans")
                         .arg(QString::fromStdString(planner))
                         .arg(counts.first)
                         .arg(counts.second);
    QString sentence =
        parts.isEmpty() ? QString()
                        : QStringLiteral(" ") + parts.join(QStringLiteral("; ")) + QObject::tr(" (triangles: not comparable).");
    // Values where some user cannot meet its deadline even alone: no planner has a plan there.
    QStringList unplannable;
    for (const SweepRow& row : rows)
        if (!row.planned) {
            const QString value = QString::fromStdString(sweepNumberText(row.value));
            if (!unplannable.contains(value))
                unplannable << value;
        }
    if (!unplannable.isEmpty())
        sentence += QObject::tr(" At %1 = %2 a user cannot meet its deadline even alone: no plan there.")
                        .arg(QString::fromStdString(rows.front().parameter), unplannable.join(QStringLiteral(", ")));
    return sentence;
}

} // namespace

SweepView::SweepView(ScenarioDocument* document, QWidget* parent)
    : QWidget(parent), m_document(document), m_chart(new ChartView(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(createControls());
    layout->addLayout(createActions());
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    layout->addWidget(m_chart, 1);
    m_empty = new QLabel(this);
    m_empty->setWordWrap(true);
    m_empty->setAlignment(Qt::AlignCenter);
    layout->addWidget(m_empty, 1);
    m_chart->setLegend(LegendPlacement::Below);
    m_status->setText(tr("No sweep yet."));
    draw();
    connect(m_chart, &ChartView::linePointClicked, this, &SweepView::openPoint);
    connect(m_chart, &ChartView::pointerLeft, this, [this] {
        if (m_fitPending) {
            fitAxes(static_cast<SweepMeasure>(m_measure->currentData().toInt()));
            m_chart->replot();
        }
    });
    connect(&m_job, &BackgroundJob::finished, this, &SweepView::sweepEnded);
    m_job.setUpdateHandler([this](const SweepPointsDone& point) { addRows(point); });
    connect(document, &ScenarioDocument::edited, this, &SweepView::markStale);
    connect(document, &ScenarioDocument::scenarioReset, this, [this] {
        // Another scenario: values the user typed stay, the defaults follow the new one.
        if (m_values->text() == m_defaultValues)
            parameterChanged();
    });
    parameterChanged();
}

// The job stops a running sweep (its points not started are skipped, its searches stopped);
// the worker holds its own base and request, so nothing waits for it.
SweepView::~SweepView() = default;

QLayout* SweepView::createControls()
{
    auto* row = new QHBoxLayout;
    m_parameter = new QComboBox(this);
    for (const SweepParameterInfo& info : sweepParameters()) {
        m_parameter->addItem(QString::fromStdString(info.name), static_cast<int>(info.parameter));
        m_parameter->setItemData(m_parameter->count() - 1, QString::fromStdString(info.description), Qt::ToolTipRole);
    }
    connect(m_parameter, &QComboBox::currentIndexChanged, this, &SweepView::parameterChanged);
    m_values = new QLineEdit(this);
    m_values->setToolTip(tr("A list (50,100,200) or a range FIRST:LAST:STEP (50:500:50)"));
    m_values->setMinimumWidth(160);
    m_repeats = new QSpinBox(this);
    m_repeats->setRange(1, 1000);
    m_repeats->setValue(3);
    m_repeats->setToolTip(tr("Each repeat draws its own seeded population (or subset of a table scenario)"));
    m_seed = new QSpinBox(this);
    m_seed->setRange(1, std::numeric_limits<int>::max());
    m_seed->setValue(1);
    m_run = new QPushButton(tr("&Run"), this);
    m_run->setToolTip(tr("Run the sweep (Ctrl+Return)"));
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setEnabled(false);
    m_cancel->setToolTip(tr("Stop; the finished points stay (Esc, Plan > Cancel)"));
    connect(m_run, &QPushButton::clicked, this, &SweepView::runFromControls);
    connect(m_cancel, &QPushButton::clicked, this, &SweepView::cancel);
    connect(new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), this), &QShortcut::activated, this,
            &SweepView::runFromControls);
    connect(m_values, &QLineEdit::returnPressed, this, &SweepView::runFromControls);
    row->addWidget(new QLabel(tr("Vary"), this));
    row->addWidget(m_parameter);
    row->addWidget(new QLabel(tr("over"), this));
    row->addWidget(m_values, 1);
    row->addWidget(new QLabel(tr("Repeats"), this));
    row->addWidget(m_repeats);
    row->addWidget(new QLabel(tr("Seed"), this));
    row->addWidget(m_seed);
    row->addWidget(m_run);
    row->addWidget(m_cancel);
    return row;
}

QLayout* SweepView::createActions()
{
    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Planners"), this));
    const std::vector<Algorithm> chosen = defaultSweepAlgorithms();
    for (Algorithm algorithm : allAlgorithms()) {
        const QString name = QString::fromStdString(algorithmName(algorithm));
        auto* box = new QCheckBox(name, this);
        box->setChecked(std::find(chosen.begin(), chosen.end(), algorithm) != chosen.end());
        if (algorithm == Algorithm::Exact)
            box->setToolTip(tr("Exact search: exponential in the worst case; each point stops at a work budget"));
        m_algorithms.emplace_back(algorithm, box);
        row->addWidget(box);
    }
    row->addStretch(1);
    m_measure = new QComboBox(this);
    m_measure->addItem(tr("Energy"), static_cast<int>(SweepMeasure::EnergyMj));
    m_measure->addItem(tr("Saving"), static_cast<int>(SweepMeasure::SavingPercent));
    m_measure->addItem(tr("Gap to bound"), static_cast<int>(SweepMeasure::GapPercent));
    connect(m_measure, &QComboBox::currentIndexChanged, this, [this] { draw(); });
    row->addWidget(new QLabel(tr("Show"), this));
    row->addWidget(m_measure);
    m_progress = new QProgressBar(this);
    m_progress->setMaximumWidth(180);
    QSizePolicy keepPlace = m_progress->sizePolicy();
    keepPlace.setRetainSizeWhenHidden(true); // the row does not jump when a sweep starts
    m_progress->setSizePolicy(keepPlace);
    m_progress->setVisible(false);
    row->addWidget(m_progress);
    m_exportChart = new QPushButton(tr("Export chart..."), this);
    m_exportCsv = new QPushButton(tr("Export CSV..."), this);
    m_exportChart->setEnabled(false);
    m_exportCsv->setEnabled(false);
    connect(m_exportChart, &QPushButton::clicked, this, &SweepView::exportChartAsked);
    connect(m_exportCsv, &QPushButton::clicked, this, &SweepView::exportCsvAsked);
    row->addWidget(m_exportChart);
    row->addWidget(m_exportCsv);
    return row;
}

QString SweepView::defaultValues() const
{
    const auto parameter = static_cast<SweepParameter>(m_parameter->currentData().toInt());
    const Scenario& scenario = m_document->scenario();
    switch (parameter) {
    case SweepParameter::Users: {
        // Up to the scenario's own count (a table scenario cannot draw more), in eight steps.
        const int own = std::max(1, scenario.userCount());
        const int step = std::max(1, own / 8);
        return QString("%1:%2:%3").arg(std::min(step, own)).arg(own).arg(step);
    }
    case SweepParameter::MaxBatch: {
        const int most = std::max(1, scenario.dnn.maxBatch());
        const int step = std::max(1, most / 8);
        return QString("1:%1:%2").arg(most).arg(step);
    }
    case SweepParameter::BandwidthMhz: {
        const double own = scenario.hasChannel ? scenario.channel.bandwidthMhz : 0;
        return own > 0 ? QString("%1:%2:%3").arg(own / 4).arg(own * 2).arg(own / 4) : QString("1:20:1");
    }
    default:
        return QStringLiteral("0.5:1.5:0.125");
    }
}

void SweepView::parameterChanged()
{
    m_defaultValues = defaultValues();
    m_values->setText(m_defaultValues);
    const auto parameter = static_cast<SweepParameter>(m_parameter->currentData().toInt());
    // bandwidth_mhz needs a channel block: say so rather than fail at Run.
    const bool usable = parameter != SweepParameter::BandwidthMhz || m_document->scenario().hasChannel;
    m_run->setEnabled(usable && !isRunning());
    if (!usable)
        m_status->setText(tr("This scenario has no channel block: bandwidth_mhz cannot be varied (uplink_scale can)."));
}

QString SweepView::currentParameter() const
{
    return m_parameter->currentText();
}

QString SweepView::currentValues() const
{
    return m_values->text();
}

bool SweepView::isRunning() const
{
    return m_job.isRunning();
}

Expected<void> SweepView::runSweep(const QString& parameter, const QString& values, const QString& algorithms, int repeats,
                                   int seed)
{
    const int index = m_parameter->findText(parameter);
    if (index < 0)
        return failure(
            tr("Unknown quantity \"%1\"; the quantities are %2").arg(parameter, QString::fromStdString(sweepParameterNames())));
    m_parameter->setCurrentIndex(index);
    m_values->setText(values);
    if (!algorithms.isEmpty()) {
        const Expected<std::vector<Algorithm>> chosen = parseSweepAlgorithms(algorithms.toStdString());
        if (!chosen)
            return failure(tr("planners: %1").arg(errorText(chosen)));
        for (auto& [algorithm, box] : m_algorithms)
            box->setChecked(std::find(chosen->begin(), chosen->end(), algorithm) != chosen->end());
    }
    if (repeats > 0)
        m_repeats->setValue(repeats);
    if (seed > 0)
        m_seed->setValue(seed);
    return startFromControls();
}

void SweepView::runFromControls()
{
    startFromControls(); // a refusal is said on the status line
}

Expected<void> SweepView::startFromControls()
{
    if (isRunning())
        return failure(tr("A sweep is running."));
    // Every refusal is said on the status line and returned.
    const auto refuse = [this](const QString& reason) {
        m_status->setText(reason);
        return Expected<void>(failure(reason));
    };
    SweepRequest request;
    request.parameter = static_cast<SweepParameter>(m_parameter->currentData().toInt());
    const Expected<std::vector<double>> values = parseSweepValues(m_values->text().toStdString());
    if (!values)
        return refuse(tr("values: %1").arg(errorText(values)));
    request.values = *values;
    for (const auto& [algorithm, box] : m_algorithms)
        if (box->isChecked())
            request.algorithms.push_back(algorithm);
    if (request.algorithms.empty())
        return refuse(tr("Choose at least one planner."));
    request.repeats = m_repeats->value();
    request.seed = static_cast<std::uint64_t>(m_seed->value());
    request.jobs = std::max(1, QThread::idealThreadCount());
    // The scenario as it is now, edits included, in its file's form: a population regenerates.
    Expected<SweepBase> base = prepareSweepBase(m_document->form().text(), m_document->path().toStdString());
    if (!base)
        return refuse(errorText(base));
    for (double value : request.values)
        if (Expected<void> allowed = checkSweepValue(*base, request.parameter, value); !allowed)
            return refuse(errorText(allowed));
    start(std::make_shared<const SweepBase>(std::move(*base)), std::move(request));
    return {};
}

void SweepView::start(std::shared_ptr<const SweepBase> base, SweepRequest request)
{
    m_base = std::move(base);
    m_request = std::move(request);
    m_rows.clear();
    m_stale = false;
    m_axesFitted = false;
    const int points = static_cast<int>(m_request.values.size()) * m_request.repeats;
    m_progress->setRange(0, points);
    m_progress->setValue(0);
    m_progress->setFormat(tr("%v of %m points"));
    m_progress->setVisible(true);
    m_exportChart->setEnabled(false); // a half-finished sweep is not exported as if it were whole
    m_exportCsv->setEnabled(false);
    m_run->setEnabled(false);
    m_cancel->setEnabled(true);
    m_startedMs = QDateTime::currentMSecsSinceEpoch();
    m_status->setText(tr("Sweeping %1 over %n value(s)...", nullptr, static_cast<int>(m_request.values.size()))
                          .arg(QString::fromStdString(sweepParameterName(m_request.parameter))));
    draw();
    // Rows reach the chart as points finish; the worker holds the base alive, and the job's
    // stop flag cancels it.
    m_job.start([base = m_base, request = m_request](auto& control) mutable {
        request.cancel = control.stopFlag();
        return coinfer::runSweep(*base, request, [&control](const SweepProgress& progress) {
            control.report(SweepPointsDone{progress.rows ? *progress.rows : std::vector<SweepRow>{}, progress.pointsDone,
                                           progress.pointsTotal});
            return true; // the stop flag stops it
        });
    });
}

void SweepView::addRows(const SweepPointsDone& point)
{
    m_rows.insert(m_rows.end(), point.rows.begin(), point.rows.end());
    applyRelaxationEnvelope(m_rows); // as the finished sweep's rows will be
    m_progress->setMaximum(point.pointsTotal);
    m_progress->setValue(point.pointsDone);
    draw();
}

void SweepView::cancel()
{
    m_job.requestStop(); // the sweep returns its finished points
}

void SweepView::sweepEnded()
{
    m_progress->setVisible(false);
    m_cancel->setEnabled(false);
    m_run->setEnabled(true);
    const Expected<SweepResult> result = m_job.takeResult();
    const double seconds = static_cast<double>(QDateTime::currentMSecsSinceEpoch() - m_startedMs) / 1000.0;
    if (!result) {
        m_status->setText(QString::fromStdString(result.error().message));
    } else {
        m_rows = result->rows;
        const int plans = static_cast<int>(m_rows.size());
        m_status->setText((result->cancelled
                               ? tr("Cancelled after %1 of %2 points (%3 plans, %4 s); the finished points are shown.")
                               : tr("%1 of %2 points, %3 plans in %4 s. Click a point to open that variant on a Plan page."))
                              .arg(result->pointsDone)
                              .arg(result->pointsTotal)
                              .arg(plans)
                              .arg(seconds, 0, 'f', 1) +
                          lateSentence(m_rows) + identicalRepeatsSentence());
    }
    m_exportChart->setEnabled(!m_rows.empty());
    m_exportCsv->setEnabled(!m_rows.empty());
    draw();
    emit finished();
}

QString SweepView::identicalRepeatsSentence() const
{
    // A table scenario draws nothing for a quantity other than users: its repeats are one plan.
    if (!m_base || m_base->hasPopulation || m_request.parameter == SweepParameter::Users || m_request.repeats <= 1)
        return {};
    return tr(" This scenario is a table of users: its repeats of %1 are identical.")
        .arg(QString::fromStdString(sweepParameterName(m_request.parameter)));
}

void SweepView::setMeasure(SweepMeasure measure)
{
    m_measure->setCurrentIndex(m_measure->findData(static_cast<int>(measure)));
}

void SweepView::draw()
{
    const auto measure = static_cast<SweepMeasure>(m_measure->currentData().toInt());
    m_chart->clear();
    m_lineKeys.clear();
    // Nothing to draw: a sentence, never empty axes.
    const bool empty = m_rows.empty();
    m_chart->setVisible(!empty);
    m_empty->setVisible(empty);
    m_empty->setText(isRunning()
                         ? tr("Planning the first point...")
                         : tr("Pick a quantity and its values, then Run (Ctrl+Return): each value is planned by every chosen "
                              "planner, and the chart shows each planner's energy, saving or gap against the value."));
    if (empty)
        return;
    const std::vector<SweepSummary> summary = summarizeSweep(m_rows, measure);
    std::vector<LineSeries> lateSeries; // drawn last, on top of every line and marker
    std::vector<std::pair<QString, std::vector<double>>> lateKeys;
    bool anyFeasible = false;
    for (const SweepSummary& planner : summary) {
        const QString name = QString::fromStdString(planner.planner);
        const QColor colour = palette::planner(name);
        QVector<double> x, mean, least, most, lateX, lateMean;
        std::vector<double> values, lateValues;
        bool spread = false, feasibleHere = false;
        for (const SweepSummaryPoint& point : planner.points) {
            if (point.lateRows > 0) {
                lateX << point.value;
                lateMean << point.lateMean;
                lateValues.push_back(point.value);
            }
            // A value without a feasible plan breaks the line (NaN), rather than joining across it.
            const double nan = std::numeric_limits<double>::quiet_NaN();
            x << point.value;
            mean << (point.rows > 0 ? point.mean : nan);
            least << (point.rows > 0 ? point.least : nan);
            most << (point.rows > 0 ? point.most : nan);
            values.push_back(point.value);
            feasibleHere = feasibleHere || point.rows > 0;
            spread = spread || (point.rows > 0 && point.most > point.least);
        }
        if (spread) {
            m_chart->addBand(
                {.name = tr("%1, min-max over repeats").arg(name), .x = x, .lower = least, .upper = most, .fill = colour});
            m_lineKeys.emplace_back(QString(), std::vector<double>{});
            m_lineKeys.emplace_back(QString(), std::vector<double>{});
        }
        if (feasibleHere) {
            anyFeasible = true;
            m_chart->addLine({.name = m_request.repeats > 1 ? tr("%1 (mean)").arg(name) : name,
                              .x = x,
                              .y = mean,
                              .pen = QPen(colour, planner.planner == "best" ? 3 : 2),
                              .marker = PointMarker::Disc,
                              .markerSize = 7});
            m_lineKeys.emplace_back(name, std::move(values));
        }
        if (!lateX.isEmpty()) {
            // Triangles only, never joined to the feasible line: a plan that misses deadlines can
            // spend less than the optimum (no-batching on the campus does at every size).
            lateSeries.push_back({.name = tr("%1, misses deadlines").arg(name),
                                  .x = lateX,
                                  .y = lateMean,
                                  .pen = QPen(colour, 2),
                                  .join = LineJoin::None,
                                  .marker = PointMarker::Triangle,
                                  .markerSize = 10});
            lateKeys.emplace_back(name, std::move(lateValues));
        }
    }
    for (size_t k = 0; k < lateSeries.size(); ++k) {
        m_chart->addLine(lateSeries[k]);
        m_lineKeys.push_back(std::move(lateKeys[k]));
    }
    drawAxesAndNotes(measure, !summary.empty(), anyFeasible);
}

void SweepView::drawAxesAndNotes(SweepMeasure measure, bool anyNumber, bool anyFeasible)
{
    m_chart->setAxisLabel(ChartAxis::Bottom, QString::fromStdString(sweepParameterName(m_request.parameter)));
    m_chart->setAxisLabel(ChartAxis::Left, measureLabel(measure));
    // Only a chart with nothing on it carries its note in the middle; the others above the data.
    m_chart->setNote(anyNumber ? QString()
                               : tr("No point has this number: no plan met every deadline alone, or no lower bound is known."));
    QStringList above;
    if (m_stale)
        above << tr("The scenario changed since this sweep: run it again.");
    if (anyNumber && !anyFeasible)
        above << tr("Every plan misses a deadline: the triangles are not comparable energies.");
    m_chart->setNoteAbove(above.join(' '));
    if (m_request.parameter == SweepParameter::Users || m_request.parameter == SweepParameter::MaxBatch)
        m_chart->setIntegerTicks(ChartAxis::Bottom);
    fitAxes(measure);
    m_chart->replot();
}

void SweepView::fitAxes(SweepMeasure measure)
{
    // The axes grow as a running sweep's points arrive, and every marker moves with them: a point
    // aimed at moves away before the click lands, and the click opens nothing. So while the
    // pointer is over the chart of a running sweep its axes hold, and they catch up when the
    // pointer leaves or the sweep ends.
    if (isRunning() && m_axesFitted && m_chart->pointerInside()) {
        m_fitPending = true;
        return;
    }
    m_fitPending = false;
    m_axesFitted = !m_rows.empty();
    m_chart->fitAxesToData();
    // Every value asked for stays on the axis, those where nobody could plan included, and the
    // data keep a margin from the frame so that no marker is cut.
    if (!m_request.values.empty()) {
        const double first = m_request.values.front(), last = m_request.values.back();
        const double margin = last > first ? 0.03 * (last - first) : std::max(1.0, std::abs(first) * 0.1);
        m_chart->setAxisRange(ChartAxis::Bottom, first - margin, last + margin);
    }
    const auto [lower, upper] = m_chart->axisRange(ChartAxis::Left);
    const double headroom = 0.06 * std::max(upper - lower, 1e-9);
    const double floor = measure == SweepMeasure::SavingPercent ? lower - headroom : 0.0;
    m_chart->setAxisRange(ChartAxis::Left, std::min(floor, lower), upper + headroom);
}

Expected<Scenario> SweepView::variant(double value, int repeat) const
{
    if (!m_base)
        return Unexpected(Error{ErrorCode::BadInput, "no sweep has run"});
    return sweepVariant(*m_base, m_request.parameter, value, repeat, m_request.seed);
}

void SweepView::openPoint(int line, int index)
{
    if (line < 0 || line >= static_cast<int>(m_lineKeys.size()) || m_lineKeys[static_cast<size_t>(line)].first.isEmpty())
        return;
    const auto& [planner, values] = m_lineKeys[static_cast<size_t>(line)];
    if (index < 0 || index >= static_cast<int>(values.size()))
        return;
    const double value = values[static_cast<size_t>(index)];
    const Expected<Scenario> scenario = variant(value, 0);
    if (!scenario) {
        QMessageBox::warning(this, tr("Cannot open this point"), QString::fromStdString(scenario.error().message));
        return;
    }
    // The point is a mean over the repeats; the window opens the first of them (repeat 0 in the
    // CSV), which the title says when there are several.
    const QString title =
        tr("%1 = %2, %3's point")
            .arg(QString::fromStdString(sweepParameterName(m_request.parameter)), QString::fromStdString(sweepNumberText(value)),
                 planner) +
        (m_request.repeats > 1 ? tr(" (the first of its %1 repeats, repeat 0 in the CSV)").arg(m_request.repeats) : QString());
    emit variantRequested(*scenario, title, planner);
}

Expected<void> SweepView::exportCsv(const QString& path) const
{
    return m_document->checkExport(path).and_then(
        [&] { return writeFileAtomically(path.toStdString(), sweepRowsToCsv(m_rows)); });
}

void SweepView::exportChartAsked()
{
    const QString path = askSavePath(this, tr("Export sweep chart"), {}, tr("PNG (*.png);;PDF (*.pdf);;SVG (*.svg)"));
    if (path.isEmpty())
        return;
    if (const Expected<QStringList> written = exportCharts({{"sweep", m_chart}}, path); !written)
        QMessageBox::critical(this, tr("Export failed"), errorText(written));
    else
        emit statusMessage(tr("Wrote the sweep chart to %1").arg(path));
}

void SweepView::exportCsvAsked()
{
    const QString path = askSavePath(this, tr("Export sweep CSV"), {}, tr("CSV (*.csv)"));
    if (path.isEmpty())
        return;
    if (const Expected<void> written = exportCsv(path); !written)
        QMessageBox::critical(this, tr("Export failed"), errorText(written));
    else
        emit statusMessage(tr("Wrote %n row(s) to %1", nullptr, static_cast<int>(m_rows.size())).arg(path));
}

void SweepView::markStale()
{
    if (m_rows.empty() || m_stale)
        return;
    m_stale = true;
    m_status->setText(tr("The scenario changed since this sweep: run it again to see the current one."));
    draw();
}

} // namespace coinfer
