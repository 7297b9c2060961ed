#include "widgets/views/dnnview.h"

#include <QStringListModel>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <string_view>
#include <utility>

#include "core/dnn/dnn.h"
#include "core/dnn/gpuprofile.h"
#include "core/io/dnnio.h"
#include "core/io/fileio.h"
#include "core/io/profileio.h"
#include "core/model/costmodel.h"
#include "core/model/devicemodels.h"
#include "core/model/population.h"
#include "core/model/scenario.h"
#include "widgets/charts/chartview.h"
#include "widgets/charts/palette.h"
#include "widgets/document/commands.h"
#include "widgets/document/errortext.h"
#include "widgets/document/scenariodocument.h"
#include "widgets/export/exportpath.h"

#include <QAbstractItemModel>
#include <QAbstractItemView>
#include <QBrush>
#include <QByteArray>
#include <QColor>
#include <QComboBox>
#include <QFileInfo>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIODevice>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLatin1String>
#include <QMessageBox>
#include <QModelIndex>
#include <QModelIndexList>
#include <QPen>
#include <QPushButton>
#include <QSplitter>
#include <QStringList>
#include <QTableWidget>
#include <QTableWidgetItem>
#include <QUndoStack>
#include <QVBoxLayout>
#include <QVariant>
#include <QVector>
#include <Qt>
#include <QtGlobal>

namespace coinfer {
namespace {

/// Reads a GPU profile from a file or from the application's resources (":/profiles/...").
Expected<GpuProfile> readProfile(const QString& path)
{
    if (!path.startsWith(QLatin1String(":/")))
        return readGpuProfile(path.toStdString());
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Unexpected(Error{ErrorCode::BadInput, path.toStdString() + ": cannot be read"});
    const QByteArray text = file.readAll();
    return parseGpuProfile(std::string_view(text.constData(), static_cast<size_t>(text.size())), path.toStdString());
}

} // namespace

QList<QPair<QString, QString>> DnnView::shippedProfiles(const QString& dnnName)
{
    QList<QPair<QString, QString>> found;
    const QDir folder(QStringLiteral(":/profiles"));
    for (const QString& entry : folder.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
        const QString path = folder.filePath(entry);
        Expected<GpuProfile> profile = readProfile(path);
        if (profile && QString::fromStdString(profile->dnnName) == dnnName)
            found.append({path, tr("%1, measured %2 (ships with Coinfer)")
                                    .arg(QString::fromStdString(profile->gpu.name),
                                         QString::fromStdString(profile->measuredAt.substr(0, 10)))});
    }
    return found;
}

QList<QPair<QString, QString>> DnnView::shippedProfilesFor(const DnnDescription& description)
{
    const std::string signature = dnnSignature(description);
    QList<QPair<QString, QString>> found;
    const QDir folder(QStringLiteral(":/profiles"));
    for (const QString& entry : folder.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
        const QString path = folder.filePath(entry);
        Expected<GpuProfile> profile = readProfile(path);
        if (profile && profile->dnnSignature == signature)
            found.append({path, tr("%1, measured %2 (ships with Coinfer)")
                                    .arg(QString::fromStdString(profile->gpu.name),
                                         QString::fromStdString(profile->measuredAt.substr(0, 10)))});
    }
    return found;
}

DnnView::DnnView(ScenarioDocument* document, QWidget* parent)
    : QWidget(parent)
    , m_document(document)
    , m_table(new QTableWidget(this))
    , m_user(new QComboBox(this))
    , m_split(new ChartView(this))
    , m_curves(new ChartView(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(createButtons());
    m_table->setColumnCount(6);
    m_table->setHorizontalHeaderLabels(
        {tr("Sub-task"), tr("MFLOPs"), tr("Output (KB)"), tr("tau(1) ms"), tr("tau(B_max) ms"), tr("B_max")});
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_table);
    auto* charts = new QSplitter(Qt::Horizontal, this);
    charts->addWidget(m_split);
    charts->addWidget(m_curves);
    // Half each: from their size hints alone, a batch-curve chart with a long legend got a tenth.
    charts->setStretchFactor(0, 1);
    charts->setStretchFactor(1, 1);
    charts->setSizes({1, 1});
    split->addWidget(charts);
    split->setSizes({200, 420});
    layout->addWidget(split, 1);
    m_split->setAxisLabel(ChartAxis::Bottom, tr("Split point p (sub-tasks on the device)"));
    m_split->setAxisLabel(ChartAxis::Left, tr("Latency (ms)"));
    m_split->setAxisLabel(ChartAxis::Right, tr("Energy (mJ)"));
    m_split->setLegend(LegendPlacement::Below); // beside the curves it would cover them
    m_split->setIntegerTicks(ChartAxis::Bottom);
    m_curves->setAxisLabel(ChartAxis::Bottom, tr("Batch size b"));
    m_curves->setAxisLabel(ChartAxis::Left, tr("tau_n(b) (ms)"));
    m_curves->setLegend(LegendPlacement::Below); // one entry per sub-task: wrapped below, never over a curve
    m_curves->setIntegerTicks(ChartAxis::Bottom);
    connect(document, &ScenarioDocument::edited, this, &DnnView::refreshWhenVisible);
    connect(m_user, &QComboBox::currentIndexChanged, this, &DnnView::refresh);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, [this] {
        drawBatchCurves();
        m_curves->replot();
    });
    connect(m_curves, &ChartView::linePointClicked, this, [this](int line, int) { selectCurveSubtask(line); });
    connect(&m_import, &BackgroundJob::finished, this, &DnnView::showImportResult);
    m_outdated = true; // the document's scenario is drawn when the page first shows
}

QLayout* DnnView::createButtons()
{
    auto* buttons = new QHBoxLayout;
    auto* useDnnButton = new QPushButton(tr("Use DNN and GPU profile..."), this);
    auto* importButton = new QPushButton(tr("Import ONNX..."), this);
    importButton->setToolTip(tr("Read a model exported with torch.onnx.export (or any ONNX file): its split points, "
                                "FLOPs and output sizes. Dropping a .onnx file on the window does the same."));
    auto* profileButton = new QPushButton(tr("Load GPU profile..."), this);
    auto* edgeButton = new QPushButton(tr("Edge model of selected sub-task..."), this);
    buttons->addWidget(useDnnButton);
    buttons->addWidget(importButton);
    buttons->addWidget(profileButton);
    buttons->addWidget(edgeButton);
    buttons->addStretch(1);
    buttons->addWidget(new QLabel(tr("Split points of"), this));
    buttons->addWidget(m_user);
    connect(useDnnButton, &QPushButton::clicked, this, &DnnView::chooseDnnAndProfile);
    connect(importButton, &QPushButton::clicked, this, [this] { importOnnx(); });
    connect(profileButton, &QPushButton::clicked, this, &DnnView::chooseProfile);
    connect(edgeButton, &QPushButton::clicked, this, &DnnView::editEdgeModel);
    return buttons;
}

void DnnView::chooseDnnAndProfile()
{
    QStringList choices;
    for (const std::string& name : builtinDnnNames())
        choices << QString::fromStdString(name);
    choices << tr("a description file...");
    bool ok = false;
    QString dnn = QInputDialog::getItem(this, tr("Use DNN"), tr("DNN"), choices, 0, false, &ok);
    if (!ok)
        return;
    if (dnn == choices.back())
        dnn =
            QFileDialog::getOpenFileName(this, tr("DNN description"), {}, tr("DNN descriptions and ONNX models (*.json *.onnx)"));
    if (dnn.isEmpty())
        return;
    const QList<QPair<QString, QString>> shipped = shippedProfiles(dnn);
    QString profile;
    if (!shipped.isEmpty()) {
        QStringList labels;
        for (const auto& entry : shipped)
            labels << entry.second;
        labels << tr("a profile file...");
        const QString label = QInputDialog::getItem(this, tr("Use DNN"), tr("GPU profile"), labels, 0, false, &ok);
        if (!ok)
            return;
        const qsizetype index = labels.indexOf(label);
        if (index < shipped.size())
            profile = shipped[index].first;
    }
    if (profile.isEmpty())
        profile = QFileDialog::getOpenFileName(this, tr("GPU profile measured for it"), {}, tr("GPU profiles (*.json)"));
    if (dnn.isEmpty() || profile.isEmpty())
        return;
    if (const Expected<void> used = useDnn(dnn, profile); !used)
        QMessageBox::critical(this, tr("Cannot use this DNN"), errorText(used));
}

void DnnView::chooseProfile()
{
    const QString profile = QFileDialog::getOpenFileName(this, tr("GPU profile"), {}, tr("GPU profiles (*.json)"));
    if (profile.isEmpty())
        return;
    if (const Expected<void> loaded = loadProfile(profile); !loaded)
        QMessageBox::critical(this, tr("Cannot use this profile"), errorText(loaded));
}

void DnnView::editEdgeModel()
{
    const int row = m_table->currentRow();
    if (row < 0)
        return;
    bool ok = false;
    const double alpha = QInputDialog::getDouble(this, tr("Edge model"), tr("alpha (ms)"), 1.0, 0, 1e6, 4, &ok);
    if (!ok)
        return;
    const double beta =
        QInputDialog::getDouble(this, tr("Edge model"), tr("beta (ms per sample; 0 for constant)"), 0.0, 0, 1e6, 5, &ok);
    if (ok)
        setAffineEdge(row, alpha, beta);
}

Expected<void> DnnView::useDnn(const QString& nameOrFile, const QString& profilePath)
{
    return loadDnn(nameOrFile.toStdString()).and_then([&](const DnnDescription& description) {
        return useDescription(description, nameOrFile, profilePath);
    });
}

Expected<void> DnnView::useDescription(const DnnDescription& description, const QString& label, const QString& profilePath)
{
    Expected<Scenario> scenario =
        readProfile(profilePath)
            .and_then([&](const GpuProfile& profile) { return profiledDnn(description, profile, profilePath.toStdString()); })
            .and_then([&](const Dnn& dnn) { return replaceDnn(m_document->scenario(), dnn); });
    return std::move(scenario).transform([&](Scenario&& replaced) {
        m_document->undoStack()->push(new ReplaceScenarioCommand(m_document, std::move(replaced), tr("Use DNN %1").arg(label)));
    });
}

void DnnView::importOnnx(const QString& path)
{
    const QString model = path.isEmpty() ? QFileDialog::getOpenFileName(this, tr("Import ONNX model"), {},
                                                                        tr("ONNX models (*.onnx);;All files (*)"))
                                         : path;
    if (model.isEmpty() || m_import.isRunning())
        return;
    if (m_importDialog)
        m_importDialog->close();
    m_importPath = model;
    m_import.start([file = model.toStdString()](auto&) { return loadDnn(file); });
}

QMessageBox* DnnView::importDialog() const
{
    return m_importDialog.data();
}

void DnnView::showImportResult()
{
    Expected<DnnDescription> description = m_import.takeResult();
    auto* box = new QMessageBox(this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowTitle(tr("Import ONNX model"));
    m_importDialog = box;
    if (!description) {
        box->setIcon(QMessageBox::Critical);
        box->setText(tr("Cannot import %1").arg(QFileInfo(m_importPath).fileName()));
        box->setInformativeText(QString::fromStdString(description.error().message));
        box->setStandardButtons(QMessageBox::Close);
        box->open();
        emit importDialogShown();
        return;
    }
    m_imported = std::move(*description);
    const std::vector<SubtaskStats> stats = *analyzeDnn(m_imported);
    double macs = 0;
    for (const SubtaskStats& subtask : stats)
        macs += subtask.macs;
    box->setIcon(QMessageBox::Question);
    box->setText(tr("%1: %2 sub-tasks (%3 split points), %4 GMACs, input %5x%6x%7")
                     .arg(QString::fromStdString(m_imported.name))
                     .arg(stats.size())
                     .arg(stats.size() + 1)
                     .arg(macs / 1e9, 0, 'f', 3)
                     .arg(m_imported.input.c)
                     .arg(m_imported.input.h)
                     .arg(m_imported.input.w));
    const QList<QPair<QString, QString>> shipped = shippedProfilesFor(m_imported);
    const QString measure =
        QStringLiteral("coinfer profile --dnn %1 --output profile.json").arg(QFileInfo(m_importPath).fileName());
    box->setInformativeText(shipped.isEmpty()
                                ? tr("Planning needs this network's GPU batch curves. None ships for these layers: measure them "
                                     "on a GPU with\n    %1\nthen choose the profile. The scenario is unchanged until you do.")
                                      .arg(measure)
                                : tr("A GPU profile measured for exactly these layers ships with Coinfer."));
    for (const QPair<QString, QString>& profile : shipped) {
        QPushButton* use = box->addButton(tr("Use %1").arg(profile.second), QMessageBox::AcceptRole);
        connect(use, &QPushButton::clicked, this, [this, profilePath = profile.first] {
            if (const Expected<void> used = useDescription(m_imported, QFileInfo(m_importPath).fileName(), profilePath); !used)
                QMessageBox::critical(this, tr("Cannot use this DNN"), errorText(used));
        });
    }
    QPushButton* choose = box->addButton(tr("Choose GPU profile..."), QMessageBox::AcceptRole);
    connect(choose, &QPushButton::clicked, this, [this] {
        const QString profile =
            QFileDialog::getOpenFileName(this, tr("GPU profile measured for it"), {}, tr("GPU profiles (*.json)"));
        if (profile.isEmpty())
            return;
        if (const Expected<void> used = useDescription(m_imported, QFileInfo(m_importPath).fileName(), profile); !used)
            QMessageBox::critical(this, tr("Cannot use this profile"), errorText(used));
    });
    QPushButton* save = box->addButton(tr("Save description..."), QMessageBox::ActionRole);
    connect(save, &QPushButton::clicked, this, &DnnView::saveImportedDescription);
    box->addButton(QMessageBox::Cancel);
    box->open();
    emit importDialogShown();
}

void DnnView::saveImportedDescription()
{
    const QString suggested =
        QFileInfo(m_importPath).dir().filePath(QFileInfo(m_importPath).completeBaseName() + QStringLiteral(".json"));
    const QString path = askSavePath(this, tr("Save DNN description"), suggested, tr("DNN descriptions (*.json)"));
    if (path.isEmpty())
        return;
    // The model it was imported from and the scenario's own files are inputs, never replaced.
    Expected<void> written =
        sameFile(path.toStdString(), m_importPath.toStdString())
            ? Expected<void>(Unexpected(
                  Error{ErrorCode::Io, path.toStdString() + ": not written: it is the imported ONNX model; choose another file"}))
            : m_document->checkExport(path);
    if (written)
        written = writeFileAtomically(path.toStdString(), dnnDescriptionToJson(m_imported));
    if (!written)
        QMessageBox::critical(this, tr("Cannot save the description"), QString::fromStdString(written.error().message));
}

Expected<void> DnnView::loadProfile(const QString& profilePath)
{
    Expected<GpuProfile> profile = readProfile(profilePath);
    if (!profile)
        return Unexpected(profile.error());
    Scenario scenario = m_document->scenario();
    if (profile->subtasks.size() != scenario.dnn.subtasks.size())
        return failure(tr("%1 measures %2 sub-tasks, the scenario's DNN has %3")
                           .arg(profilePath)
                           .arg(profile->subtasks.size())
                           .arg(scenario.dnn.subtasks.size()));
    for (size_t n = 0; n < profile->subtasks.size(); ++n) {
        if (profile->subtasks[n].name != scenario.dnn.subtasks[n].name)
            return failure(tr("%1: sub-task %2 is \"%3\" in the profile and \"%4\" in the scenario")
                               .arg(profilePath)
                               .arg(n + 1)
                               .arg(QString::fromStdString(profile->subtasks[n].name),
                                    QString::fromStdString(scenario.dnn.subtasks[n].name)));
        scenario.dnn.subtasks[n].edgeLatencyMs = profile->subtasks[n].medianMs;
    }
    m_document->undoStack()->push(new ReplaceScenarioCommand(m_document, scenario, tr("Load GPU profile")));
    return {};
}

Expected<void> DnnView::setAffineEdge(int subtask, double alphaMs, double betaMs)
{
    Scenario scenario = m_document->scenario();
    if (subtask < 0 || subtask >= scenario.dnn.subtaskCount() || alphaMs < 0 || betaMs < 0)
        return failure(tr("no such sub-task, or a negative latency"));
    scenario.dnn.subtasks[static_cast<size_t>(subtask)].edgeLatencyMs = affineCurve(alphaMs, betaMs, scenario.dnn.maxBatch());
    m_document->undoStack()->push(new ReplaceScenarioCommand(m_document, scenario, tr("Edit edge model")));
    return {};
}

void DnnView::refreshWhenVisible()
{
    if (isVisible())
        refresh();
    else
        m_outdated = true;
}

void DnnView::showEvent(QShowEvent* event)
{
    if (m_outdated)
        refresh();
    QWidget::showEvent(event);
}

void DnnView::refresh()
{
    m_outdated = false;
    fillTable();
    fillUserChoice();
    drawSplitPoints();
    drawBatchCurves();
    m_split->replot();
    m_curves->replot();
}

void DnnView::fillTable()
{
    const Dnn& dnn = m_document->scenario().dnn;
    m_table->setRowCount(dnn.subtaskCount());
    for (int n = 0; n < dnn.subtaskCount(); ++n) {
        const Subtask& s = dnn.subtasks[static_cast<size_t>(n)];
        const QStringList cells{QString::fromStdString(s.name),
                                QString::number(s.flops / 1e6, 'f', 2),
                                QString::number(s.outputBytes / 1024.0, 'f', 1),
                                QString::number(s.edgeLatencyMs.front(), 'f', 3),
                                QString::number(s.edgeLatencyMs.back(), 'f', 3),
                                QString::number(s.edgeLatencyMs.size())};
        for (int c = 0; c < cells.size(); ++c)
            m_table->setItem(n, c, new QTableWidgetItem(cells[c]));
        m_table->item(n, 0)->setToolTip(cells[0]);
    }
}

void DnnView::fillUserChoice()
{
    const auto& users = m_document->scenario().users;
    // Most edits change no id: the 10,000-entry model is then left as it is.
    const bool sameIds =
        m_userIds.size() == users.size() && std::equal(users.begin(), users.end(), m_userIds.begin(),
                                                       [](const User& user, const std::string& id) { return user.id == id; });
    if (sameIds && m_user->model()->rowCount() == static_cast<int>(users.size()))
        return;
    m_userIds.clear();
    m_userIds.reserve(users.size());
    for (const User& user : users)
        m_userIds.push_back(user.id);
    const QString chosen = m_user->currentText();
    m_user->blockSignals(true);
    QStringList ids;
    ids.reserve(m_document->scenario().userCount());
    for (const User& user : m_document->scenario().users)
        ids << QString::fromStdString(user.id);
    // One model reset instead of one row inserted per user.
    auto* model = qobject_cast<QStringListModel*>(m_user->model());
    if (!model) {
        model = new QStringListModel(m_user);
        m_user->setModel(model);
        // Sized by a fixed length, not by measuring every id (10,000 of them at each layout).
        m_user->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        m_user->setMinimumContentsLength(16);
    }
    model->setStringList(ids);
    const int keep = m_user->findText(chosen);
    m_user->setCurrentIndex(keep >= 0 ? keep : 0);
    m_user->blockSignals(false);
}

void DnnView::drawSplitPoints()
{
    const Scenario& scenario = m_document->scenario();
    m_split->clear();
    if (scenario.users.empty())
        return;
    // The chosen user alone: a cost model of all 10,000 users took 100 ms on the GUI thread.
    const int chosen = std::clamp(m_user->currentIndex(), 0, scenario.userCount() - 1);
    Scenario alone;
    alone.dnn = scenario.dnn;
    alone.users = {scenario.users[static_cast<size_t>(chosen)]};
    const CostModel model(alone);
    const int m = 0;
    QVector<double> p, local, arrival, energy;
    for (int split = 0; split <= scenario.dnn.subtaskCount(); ++split) {
        p << split;
        local << model.localMs(m, split);
        arrival << model.localMs(m, split) + model.uploadMs(m, split);
        energy << model.energyMj(m, split);
    }
    m_split->addLine({.name = tr("local computing (ms)"), .x = p, .y = local, .pen = QPen(palette::localComputing(), 2)});
    m_split->addLine({.name = tr("+ upload (ms)"), .x = p, .y = arrival, .pen = QPen(palette::uploading(), 2)});
    m_split->addLine({.name = tr("energy (mJ)"),
                      .x = p,
                      .y = energy,
                      .pen = QPen(QColor(70, 130, 180), 2, Qt::DashLine),
                      .valueAxis = ChartAxis::Right});
    m_split->fitAxesToData();
    m_split->setAxisLower(ChartAxis::Left, 0);
    m_split->setAxisLower(ChartAxis::Right, 0);
}

namespace {

/// Up to this many distinct curves the legend names them (full names); up to kNumberedCurves
/// it numbers them as the table's rows; beyond, the curves are coloured in network order and
/// only the selected sub-task's curve is named.
constexpr int kNamedCurves = 8, kNumberedCurves = 40;

/// The pen of curve @p k, whose first sub-task is @p first (0-based) of @p subtasks. Up to
/// kNumberedCurves sub-tasks: ten well-separated hues (Tableau 10), then the same hues dashed,
/// dotted and dash-dotted, so that no two curves look alike. Beyond, no set of styles tells sixty
/// curves apart, so the colour runs from the network's input (dark violet) to its output (yellow
/// green) along viridis: the bundle reads in the network's order.
QPen curvePen(int k, int first, int subtasks)
{
    if (subtasks > kNumberedCurves) {
        static const QColor stops[] = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {190, 200, 30}};
        const double at = 4.0 * first / std::max(1, subtasks - 1);
        const int from = std::min(3, static_cast<int>(at));
        const double share = at - from;
        const auto mix = [&](int a, int b) { return static_cast<int>(std::lround(a + (b - a) * share)); };
        const QColor& a = stops[from];
        const QColor& b = stops[from + 1];
        return QPen(QColor(mix(a.red(), b.red()), mix(a.green(), b.green()), mix(a.blue(), b.blue())), 1.5);
    }
    static const QColor hues[] = {{78, 121, 167}, {242, 142, 43},  {225, 87, 89},   {118, 183, 178}, {89, 161, 79},
                                  {237, 201, 72}, {176, 122, 161}, {255, 157, 167}, {156, 117, 95},  {186, 176, 172}};
    static const Qt::PenStyle styles[] = {Qt::SolidLine, Qt::DashLine, Qt::DotLine, Qt::DashDotLine};
    QPen pen(hues[k % 10], 2);
    pen.setStyle(styles[(k / 10) % 4]);
    return pen;
}

/// The sub-tasks (0-based) of each distinct batch curve, in order of first appearance: sub-tasks
/// with the same curve share one line, since drawn one over the other all but the last would be
/// hidden. O(N B_max log N).
std::vector<std::vector<int>> sharedCurves(const Dnn& dnn)
{
    std::vector<std::vector<int>> sharing;
    std::map<std::vector<double>, size_t> curveIndex;
    for (int n = 0; n < dnn.subtaskCount(); ++n) {
        const auto [at, added] = curveIndex.try_emplace(dnn.subtasks[static_cast<size_t>(n)].edgeLatencyMs, sharing.size());
        if (added)
            sharing.emplace_back();
        sharing[at->second].push_back(n);
    }
    return sharing;
}

/// Sub-task @p n's batch curve as points (b, tau_n(b)).
std::pair<QVector<double>, QVector<double>> curvePoints(const Dnn& dnn, int n)
{
    const auto& curve = dnn.subtasks[static_cast<size_t>(n)].edgeLatencyMs;
    QVector<double> b, tau;
    for (size_t i = 0; i < curve.size(); ++i) {
        b << static_cast<double>(i + 1);
        tau << curve[i];
    }
    return {b, tau};
}

/// "12: features/features.3/..." : the table's row number and the sub-task's whole name.
QString numberedName(const Dnn& dnn, int n)
{
    return QString::number(n + 1) + ": " + QString::fromStdString(dnn.subtasks[static_cast<size_t>(n)].name);
}

} // namespace

void DnnView::drawBatchCurves()
{
    const Dnn& dnn = m_document->scenario().dnn;
    m_curves->clear();
    const int count = dnn.subtaskCount();
    const std::vector<std::vector<int>> sharing = sharedCurves(dnn);
    const int curves = static_cast<int>(sharing.size());
    // Two short lines: one long one was cut at both ends once the chart had half the page.
    m_curves->setNoteAbove(count > kNumberedCurves ? tr("Violet: the first sub-task ... yellow green: the last\n"
                                                        "Select a row or click a curve to name it")
                                                   : QString());
    m_subtaskOfCurve.clear();
    for (int k = 0; k < curves; ++k) {
        const std::vector<int>& members = sharing[static_cast<size_t>(k)];
        QStringList numbers;
        for (int n : members)
            numbers << QString::number(n + 1);
        const QString name = members.size() > 1     ? tr("%1 (one curve)").arg(numbers.join(", "))
                             : count > kNamedCurves ? numbers.front()
                                                    : numberedName(dnn, members.front());
        const auto [b, tau] = curvePoints(dnn, members.front());
        m_curves->addLine(
            {.name = name, .x = b, .y = tau, .pen = curvePen(k, members.front(), count), .inLegend = count <= kNumberedCurves});
        m_subtaskOfCurve.push_back(members.front());
        for (int n : members)
            if (QTableWidgetItem* item = m_table->item(n, 0))
                item->setData(Qt::DecorationRole, curvePen(k, members.front(), count).color()); // the table is the legend too
    }
    // The selected sub-task's curve, drawn again on top, wider, and named in full.
    // Selected, not merely current: the table makes its first row current by itself.
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    const int selected = rows.isEmpty() ? -1 : rows.front().row();
    if (selected >= 0 && selected < count) {
        const auto [b, tau] = curvePoints(dnn, selected);
        QPen wide(Qt::black, 4);
        for (int k = 0; k < curves; ++k)
            for (int n : sharing[static_cast<size_t>(k)])
                if (n == selected)
                    wide.setColor(curvePen(k, sharing[static_cast<size_t>(k)].front(), count).color());
        m_curves->addLine({.name = tr("selected: %1").arg(numberedName(dnn, selected)), .x = b, .y = tau, .pen = wide});
        m_subtaskOfCurve.push_back(selected);
    }
    m_curves->fitAxesToData();
    m_curves->setAxisLower(ChartAxis::Left, 0);
}

void DnnView::selectCurveSubtask(int line)
{
    if (line >= 0 && line < static_cast<int>(m_subtaskOfCurve.size()))
        m_table->selectRow(m_subtaskOfCurve[static_cast<size_t>(line)]);
}

} // namespace coinfer

#include "moc_dnnview.cpp"
