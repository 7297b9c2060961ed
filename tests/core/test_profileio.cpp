// The scenario DNN made from a description and a GPU profile (profiledDnn, core/io/profileio.h)
// and the per-user plan table (planToTable, core/io/planio.h).
// References: analyzeDnn for FLOPs and output sizes (the function profiledDnn is documented to
// take them from) and hand arithmetic for a tiny network; the profile's own medians, read from
// the shipped file with Qt's JSON reader rather than the project's; for the table, the Plan's
// own numbers and a plan timed by hand.
#include "core/dnn/dnn.h"
#include "core/dnn/gpuprofile.h"
#include "core/io/dnnio.h"
#include "core/io/planio.h"
#include "core/io/profileio.h"
#include "core/model/costmodel.h"
#include "core/planning/roundbounds.h"
#include "core/simulation/simulator.h"

#include <QTest>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <cmath>

using namespace coinfer;

namespace {

/// 3x8x8 8-bit input; "stem": 3x3 convolution to 4 channels (padding 1) and a ReLU, out 4x8x8;
/// "head": global average pooling, flatten, a linear layer to 5 features.
DnnDescription tinyDnn()
{
    DnnDescription dnn;
    dnn.name = "tiny";
    dnn.input = {3, 8, 8};
    dnn.inputElementBytes = 1;
    dnn.activationBytes = 4;
    dnn.subtasks = {
        {"stem", {Block{{convLayer(4, 3, 1, 1), plainLayer(LayerKind::Relu)}, false, {}, {}}}},
        {"head", {Block{{plainLayer(LayerKind::GlobalAvgPool), plainLayer(LayerKind::Flatten), linearLayer(5)}, false, {}, {}}}}};
    return dnn;
}

/// Medians that follow a known rule per sub-task and batch size.
GpuProfile profileFor(const DnnDescription& dnn, int batches)
{
    GpuProfile profile;
    profile.dnnName = dnn.name;
    profile.dnnSignature = dnnSignature(dnn);
    profile.gpu.name = "synthetic test profile (not a measurement)";
    for (size_t s = 0; s < dnn.subtasks.size(); ++s) {
        SubtaskProfile subtask;
        subtask.name = dnn.subtasks[s].name;
        for (int b = 1; b <= batches; ++b) {
            const double t = 1.0 + static_cast<double>(s) + 0.125 * b * b; // not affine: a copy, not a fit
            subtask.medianMs.push_back(t);
            subtask.p10Ms.push_back(t * 0.5);
            subtask.p90Ms.push_back(t * 2);
        }
        profile.subtasks.push_back(std::move(subtask));
    }
    return profile;
}

bool mentions(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

/// One parsed row of the plan table.
struct Row {
    QString id, group, status;
    int partition = -1;
    double energyMj = 0, localMj = 0, savedPercent = 0, finishMs = 0, deadlineMs = 0;
};

/// Reads the table's user rows: 8 columns separated by blanks, then the status words.
QList<Row> parseRows(const QString& table, int users)
{
    const QStringList lines = table.split('\n');
    QList<Row> rows;
    for (int i = 1; i <= users && i < lines.size(); ++i) {
        const QStringList cells = lines[i].split(' ', Qt::SkipEmptyParts);
        if (cells.size() < 9)
            return rows;
        Row row;
        row.id = cells[0];
        row.partition = cells[1].toInt();
        row.group = cells[2];
        row.energyMj = cells[3].toDouble();
        row.localMj = cells[4].toDouble();
        row.savedPercent = cells[5].toDouble();
        row.finishMs = cells[6].toDouble();
        row.deadlineMs = cells[7].toDouble();
        row.status = cells.mid(8).join(' ');
        rows.push_back(row);
    }
    return rows;
}

/// Two sub-tasks (tau constant), three users: a offloads everything, b splits, c stays local and
/// misses its 40 ms deadline (60 ms of local computing).
Scenario tableScenario()
{
    Scenario scenario;
    scenario.name = "table";
    scenario.dnn.name = "two";
    scenario.dnn.inputBytes = 100'000;
    scenario.dnn.subtasks = {{"s1", 50'000, 1, {2.0, 2.0}}, {"s2", 1'000, 1, {3.5, 3.5}}};
    scenario.users = {{"alpha", "", 100, {20, 30}, {10, 15}, 20.0, 0.5},
                      {"bravo", "", 80, {10, 20}, {5, 8}, 10.0, 0.2},
                      {"charlie", "", 40, {30, 30}, {12, 12}, 10.0, 0.2}};
    return scenario;
}

} // namespace

class TestProfileIo : public QObject {
    Q_OBJECT

private slots:
    void profiledDnnTakesSizesFromTheLayersAndTimesFromTheProfile()
    {
        const DnnDescription description = tinyDnn();
        const GpuProfile profile = profileFor(description, 6);
        const Expected<Dnn> dnn = profiledDnn(description, profile, "tiny-profile.json");
        QVERIFY2(dnn.has_value(), dnn ? "" : dnn.error().message.c_str());
        const Expected<std::vector<SubtaskStats>> stats = analyzeDnn(description);
        QVERIFY(stats.has_value());

        QCOMPARE(dnn->name, std::string("tiny"));
        QCOMPARE(dnn->subtaskCount(), 2);
        QCOMPARE(dnn->inputBytes, 3.0 * 8 * 8 * 1); // elements x input element bytes
        for (size_t n = 0; n < 2; ++n) {
            QCOMPARE(dnn->subtasks[n].name, description.subtasks[n].name);
            QCOMPARE(dnn->subtasks[n].flops, (*stats)[n].flops);
            QCOMPARE(dnn->subtasks[n].outputBytes, (*stats)[n].outputBytes);
        }
        // By hand: 4 x 8 x 8 fp32 values after the stem, 5 fp32 features after the head.
        QCOMPARE(dnn->subtasks[0].outputBytes, 4.0 * 8 * 8 * 4);
        QCOMPARE(dnn->subtasks[1].outputBytes, 5.0 * 4);
        // The stem's convolution: 4 x 8 x 8 outputs x 3 x 3 x 3 MACs = 6912 MACs, 13824 FLOPs,
        // plus at least the ReLU; the head is far smaller.
        QVERIFY(dnn->subtasks[0].flops >= 13824);
        QVERIFY(dnn->subtasks[1].flops < dnn->subtasks[0].flops);

        // tau_n(b) is the profile's median for b = 1..B_max, all of it by default.
        QCOMPARE(dnn->maxBatch(), 6);
        for (size_t n = 0; n < 2; ++n)
            for (int b = 1; b <= 6; ++b)
                QCOMPARE(dnn->subtasks[n].edgeLatencyMs[static_cast<size_t>(b - 1)],
                         1.0 + static_cast<double>(n) + 0.125 * b * b);
    }

    void maxBatchTruncatesTheCurve()
    {
        const DnnDescription description = tinyDnn();
        const GpuProfile profile = profileFor(description, 6);
        for (const auto& [asked, expected] : std::vector<std::pair<int, int>>{{0, 6}, {1, 1}, {4, 4}, {6, 6}, {50, 6}}) {
            const Expected<Dnn> dnn = profiledDnn(description, profile, "p.json", asked);
            QVERIFY(dnn.has_value());
            QVERIFY2(dnn->maxBatch() == expected, qPrintable(QString("max batch %1: got %2").arg(asked).arg(dnn->maxBatch())));
            for (const Subtask& subtask : dnn->subtasks) {
                QCOMPARE(static_cast<int>(subtask.edgeLatencyMs.size()), expected);
                for (int b = 1; b <= expected; ++b)
                    QCOMPARE(subtask.edgeLatencyMs[static_cast<size_t>(b - 1)],
                             profile.subtasks[static_cast<size_t>(&subtask - dnn->subtasks.data())]
                                 .medianMs[static_cast<size_t>(b - 1)]);
            }
        }
    }

    void aMismatchedProfileIsRefusedNamingItsSource()
    {
        const DnnDescription description = tinyDnn();
        const std::string source = "/profiles/other-gpu.json";

        GpuProfile fewer = profileFor(description, 4);
        fewer.subtasks.pop_back();
        Expected<Dnn> refused = profiledDnn(description, fewer, source);
        QVERIFY(!refused.has_value());
        QCOMPARE(int(refused.error().code), int(ErrorCode::BadInput));
        QVERIFY2(mentions(refused.error().message, source), refused.error().message.c_str());
        QVERIFY2(mentions(refused.error().message, "1 sub-tasks") && mentions(refused.error().message, "has 2"),
                 refused.error().message.c_str());

        GpuProfile renamed = profileFor(description, 4);
        renamed.subtasks[1].name = "classifier";
        refused = profiledDnn(description, renamed, source);
        QVERIFY(!refused.has_value());
        QVERIFY2(mentions(refused.error().message, source) && mentions(refused.error().message, "classifier"),
                 refused.error().message.c_str());

        // The same names but other layers: the signature differs.
        DnnDescription wider = description;
        wider.subtasks[0].blocks[0].layers[0].outChannels = 8;
        refused = profiledDnn(wider, profileFor(description, 4), source);
        QVERIFY(!refused.has_value());
        QVERIFY2(mentions(refused.error().message, source) && mentions(refused.error().message, "signature"),
                 refused.error().message.c_str());
        QVERIFY(profiledDnn(wider, profileFor(wider, 4), source).has_value());

        // A description whose shapes do not chain is refused by analyzeDnn's own error.
        DnnDescription broken = description;
        broken.subtasks[1].blocks[0].layers = {linearLayer(5)}; // linear on an unflattened 4x8x8 tensor
        QVERIFY(!profiledDnn(broken, profileFor(broken, 2), source).has_value());
    }

    void theShippedProfileGivesItsMediansToTheBuiltinDnn()
    {
        // The medians read with Qt's JSON reader, not the project's.
        QFile file(COINFER_PROFILES "/mobilenetv2-h200.json");
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
        const QJsonArray subtasks = root.value("subtasks").toArray();
        QVERIFY(subtasks.size() > 1);

        const Expected<DnnDescription> description = builtinDnn("mobilenetv2");
        QVERIFY(description.has_value());
        const Expected<GpuProfile> profile = readGpuProfile(COINFER_PROFILES "/mobilenetv2-h200.json");
        QVERIFY(profile.has_value());
        const Expected<Dnn> dnn = profiledDnn(*description, *profile, "mobilenetv2-h200.json", 8);
        QVERIFY2(dnn.has_value(), dnn ? "" : dnn.error().message.c_str());
        const Expected<std::vector<SubtaskStats>> stats = analyzeDnn(*description);
        QCOMPARE(dnn->subtaskCount(), static_cast<int>(subtasks.size()));
        QCOMPARE(dnn->maxBatch(), 8);
        for (int n = 0; n < dnn->subtaskCount(); ++n) {
            const Subtask& subtask = dnn->subtasks[static_cast<size_t>(n)];
            const QJsonObject entry = subtasks[n].toObject();
            QCOMPARE(QString::fromStdString(subtask.name), entry.value("name").toString());
            const QJsonArray median = entry.value("median_ms").toArray();
            for (int b = 0; b < 8; ++b)
                QCOMPARE(subtask.edgeLatencyMs[static_cast<size_t>(b)], median[b].toDouble());
            QCOMPARE(subtask.flops, (*stats)[static_cast<size_t>(n)].flops);
            QCOMPARE(subtask.outputBytes, (*stats)[static_cast<size_t>(n)].outputBytes);
        }
        QCOMPARE(dnn->inputBytes, static_cast<double>(description->input.elements()) * description->inputElementBytes);
    }

    void planTableHasEveryUserAndTheTotals()
    {
        const Scenario scenario = tableScenario();
        const CostModel model(scenario);
        const Schedule schedule = roundSchedule(model, {0, 1, 2}, {0, 0, -1});
        const Plan plan = simulate(scenario, model, schedule, "hand");
        // The plan by hand: alpha uploads 100 kB at 20 Mbps (40 ms, 0.5 W: 20 mJ); bravo computes
        // s1 (10 ms, 5 mJ) and uploads 50 kB at 10 Mbps (40 ms, 0.2 W: 8 mJ), so 13 mJ; charlie
        // computes locally, 60 ms against 40: late. s1 for alpha 40-42 ms, s2 for both 50-53.5 ms.
        QCOMPARE(plan.users.size(), size_t(3));
        QVERIFY(std::fabs(plan.users[0].energyMj - 20.0) < 1e-9 && std::fabs(plan.users[1].energyMj - 13.0) < 1e-9);
        QVERIFY(std::fabs(plan.users[0].finishMs - 53.5) < 1e-9 && std::fabs(plan.users[2].finishMs - 60.0) < 1e-9);
        QVERIFY(!plan.feasible);

        const QString table = QString::fromStdString(planToTable(scenario, plan));
        const QList<Row> rows = parseRows(table, 3);
        QVERIFY2(rows.size() == 3, qPrintable(table));
        const int n = scenario.dnn.subtaskCount();
        for (int m = 0; m < 3; ++m) {
            const Row& row = rows[m];
            const UserOutcome& user = plan.users[static_cast<size_t>(m)];
            const QString context = QString("row %1 of\n%2").arg(m).arg(table);
            QVERIFY2(row.id == QString::fromStdString(scenario.users[static_cast<size_t>(m)].id), qPrintable(context));
            QVERIFY2(row.partition == user.partition, qPrintable(context));
            QVERIFY2(row.group == (user.group < 0 ? QString("-") : QString::number(user.group)), qPrintable(context));
            QVERIFY2(std::fabs(row.energyMj - user.energyMj) <= 5e-4, qPrintable(context));
            double localMj = 0;
            for (double e : scenario.users[static_cast<size_t>(m)].localEnergyMj)
                localMj += e;
            QVERIFY2(std::fabs(row.localMj - localMj) <= 5e-4, qPrintable(context));
            QVERIFY2(std::fabs(row.savedPercent - 100.0 * (1.0 - user.energyMj / localMj)) <= 5e-3, qPrintable(context));
            QVERIFY2(std::fabs(row.finishMs - user.finishMs) <= 5e-4, qPrintable(context));
            QVERIFY2(std::fabs(row.deadlineMs - user.deadlineMs) <= 5e-4, qPrintable(context));
            const QString where = user.partition == n ? "local" : user.partition == 0 ? "full offload" : "split";
            const bool late = user.finishMs > user.deadlineMs;
            QVERIFY2(row.status == (late ? where + ", LATE" : where), qPrintable(context));
        }
        QVERIFY(rows[2].status.contains("LATE"));
        QVERIFY(!rows[0].status.contains("LATE") && !rows[1].status.contains("LATE"));

        // The totals line.
        const QRegularExpression totals(
            "algorithm (\\S+): ([^;]+); total ([0-9.]+) mJ against ([0-9.]+) mJ computing locally: (-?[0-9.]+)% saved; "
            "(\\d+) GPU batches in (\\d+) round\\(s\\)");
        const QRegularExpressionMatch match = totals.match(table);
        QVERIFY2(match.hasMatch(), qPrintable(table));
        QCOMPARE(match.captured(1), QString("hand"));
        QCOMPARE(match.captured(2), QString("INFEASIBLE"));
        QVERIFY(std::fabs(match.captured(3).toDouble() - plan.totalEnergyMj) <= 5e-4);
        QVERIFY(std::fabs(match.captured(3).toDouble() - (20.0 + 13.0 + 24.0)) <= 5e-4);
        QVERIFY(std::fabs(match.captured(4).toDouble() - plan.localEnergyMj) <= 5e-4);
        QVERIFY(std::fabs(match.captured(4).toDouble() - (25.0 + 13.0 + 24.0)) <= 5e-4);
        QVERIFY(std::fabs(match.captured(5).toDouble() - plan.savingPercent) <= 5e-3);
        QCOMPARE(match.captured(6).toInt(), static_cast<int>(plan.batches.size()));
        QCOMPARE(match.captured(6).toInt(), 2);
        QCOMPARE(match.captured(7).toInt(), 1);
        QVERIFY(table.contains("lower bound unknown"));
    }

    void aFeasiblePlanSaysSoAndShowsItsBound()
    {
        Scenario scenario = tableScenario();
        scenario.users[2].deadlineMs = 90; // charlie now meets its deadline locally
        const CostModel model(scenario);
        Plan plan = simulate(scenario, model, roundSchedule(model, {0, 1, 2}, {0, 0, -1}), "hand");
        QVERIFY(plan.feasible);
        plan.lowerBoundMj = 50.0;
        const QString table = QString::fromStdString(planToTable(scenario, plan));
        for (const Row& row : parseRows(table, 3))
            QVERIFY2(!row.status.contains("LATE"), qPrintable(table));
        QVERIFY2(table.contains("algorithm hand: every deadline met;"), qPrintable(table));
        // Gap = 100 x (57 - 50) / 50 = 14%.
        QVERIFY2(table.contains("lower bound 50.000 mJ (gap 14.00%)"), qPrintable(table));
    }
};

QTEST_APPLESS_MAIN(TestProfileIo)
#include "test_profileio.moc"
