// GPU profile files, the affine fit and the latency summaries, and scenarios that take their
// edge latency from a profile. The profiles made here are synthetic test data (named as such),
// never a measurement; the shipped, measured profiles in resources/profiles are only checked for
// consistency with the built-in DNNs and with themselves.
#include "core/model/costmodel.h"
#include "core/io/fileio.h"
#include "core/dnn/gpuprofile.h"
#include "core/planning/planner.h"
#include "core/io/scenarioio.h"
#include "core/simulation/simulator.h"
#include "core/io/dnnio.h"
#include "core/io/profileio.h"
#include "tests/common/testdata.h"

#include <QTest>

#include <algorithm>
#include <cctype>
#include <cmath>

using namespace coinfer;

namespace {

/// A profile whose numbers follow a known line per sub-task, so the tests can check them.
GpuProfile syntheticProfile(const DnnDescription& dnn, int maxBatch)
{
    GpuProfile profile;
    profile.dnnName = dnn.name;
    profile.dnnSignature = dnnSignature(dnn);
    profile.gpu.name = "synthetic test profile (not a measurement)";
    profile.measuredAt = "2026-01-01T00:00:00Z";
    profile.tool = "test_gpuprofile";
    for (size_t s = 0; s < dnn.subtasks.size(); ++s) {
        SubtaskProfile subtask;
        subtask.name = dnn.subtasks[s].name;
        for (int b = 1; b <= maxBatch; ++b) {
            const double t = 0.5 + 0.1 * static_cast<double>(s) + 0.05 * b;
            subtask.medianMs.push_back(t);
            subtask.p10Ms.push_back(0.9 * t);
            subtask.p90Ms.push_back(1.1 * t);
        }
        subtask.affine = fitAffine(subtask.medianMs);
        profile.subtasks.push_back(std::move(subtask));
    }
    return profile;
}

void write(const QString& path, const std::string& text)
{
    QVERIFY(writeFileAtomically(path.toStdString(), text).has_value());
}

} // namespace

class TestGpuProfile : public QObject {
    Q_OBJECT

private slots:
    void affineFitRecoversALine()
    {
        const AffineFit fit = fitAffine({1.3, 1.6, 1.9, 2.2});
        QVERIFY(std::fabs(fit.alphaMs - 1.0) < 1e-12);
        QVERIFY(std::fabs(fit.betaMs - 0.3) < 1e-12);
        QVERIFY(std::fabs(fit.r2 - 1.0) < 1e-12);
        const AffineFit noisy = fitAffine({1.0, 1.5, 1.2, 2.0, 1.9});
        QVERIFY(noisy.r2 > 0 && noisy.r2 < 1);
        // Least squares by hand: mean b 3, mean t 1.52, slope 2.3 / 10.
        QVERIFY(std::fabs(noisy.betaMs - 0.23) < 1e-12);
        QVERIFY(std::fabs(noisy.alphaMs - (1.52 - 0.23 * 3)) < 1e-12);
        QCOMPARE(fitAffine({2.5}).alphaMs, 2.5);
    }

    void summariesInterpolatePercentiles()
    {
        const LatencySummary summary = summarizeLatencies({10, 9, 8, 7, 6, 5, 4, 3, 2, 1});
        QCOMPARE(summary.medianMs, 5.5);
        QVERIFY(std::fabs(summary.p10Ms - 1.9) < 1e-12);
        QVERIFY(std::fabs(summary.p90Ms - 9.1) < 1e-12);
        QCOMPARE(summarizeLatencies({}).medianMs, 0.0);
    }

    void profileFileRoundTrips()
    {
        const DnnDescription dnn = *builtinDnn("resnet18");
        GpuProfile profile = syntheticProfile(dnn, 8);
        profile.launch = "cuda-graph";
        Expected<GpuProfile> back = parseGpuProfile(gpuProfileToJson(profile), "profile.json");
        QVERIFY2(back.has_value(), back ? "" : back.error().message.c_str());
        QCOMPARE(back->maxBatch(), 8);
        QCOMPARE(back->launch, std::string("cuda-graph"));
        QCOMPARE(back->gpu.name, profile.gpu.name);
        QCOMPARE(back->subtasks[3].medianMs, profile.subtasks[3].medianMs);
        QCOMPARE(back->subtasks[3].p90Ms, profile.subtasks[3].p90Ms);
        QVERIFY(std::fabs(back->subtasks[3].affine.betaMs - 0.05) < 1e-12);
        QVERIFY(checkProfileMatches(*back, dnn, "profile.json").has_value());
    }

    void mismatchedProfilesAreRefused()
    {
        const DnnDescription resnet = *builtinDnn("resnet18");
        const GpuProfile profile = syntheticProfile(resnet, 4);
        Expected<void> other = checkProfileMatches(profile, *builtinDnn("vgg16"), "p.json");
        QVERIFY(!other.has_value());
        QVERIFY2(other.error().message.find(
                     "p.json: this profile does not match DNN 'vgg16': it has 10 sub-tasks, the DNN has 8") != std::string::npos,
                 other.error().message.c_str());
        DnnDescription changed = resnet;
        changed.subtasks[1].blocks[0].layers[0].outChannels = 32;
        changed.subtasks[1].blocks[0].layers[3].outChannels = 64;
        Expected<void> layers = checkProfileMatches(profile, changed, "p.json");
        QVERIFY(!layers.has_value());
        QVERIFY(layers.error().message.find("its layers differ") != std::string::npos);
        DnnDescription renamed = resnet;
        renamed.subtasks[2].name = "something else";
        QVERIFY(checkProfileMatches(profile, renamed, "p.json").error().message.find("subtasks[2] is") != std::string::npos);
    }

    void badProfileFilesNameTheField()
    {
        GpuProfile profile = syntheticProfile(*builtinDnn("resnet18"), 4);
        profile.subtasks[2].p10Ms.pop_back();
        Expected<GpuProfile> short10 = parseGpuProfile(gpuProfileToJson(profile), "short.json");
        QVERIFY(!short10.has_value());
        QVERIFY2(short10.error().message.find("short.json: subtasks[2].p10_ms: must have 4 elements, not 3") != std::string::npos,
                 short10.error().message.c_str());
        Expected<GpuProfile> noGpu = parseGpuProfile(R"({"format": "coinfer-gpu-profile", "version": 1, "dnn": "x",
            "dnn_signature": "", "measured_at": "now", "subtasks": []})",
                                                     "nogpu.json");
        QVERIFY(!noGpu.has_value());
        QVERIFY(noGpu.error().message.find("nogpu.json: gpu: is missing") != std::string::npos);
    }

    void scenarioTakesEdgeLatencyFromAProfile()
    {
        QTemporaryDir dir;
        const DnnDescription dnn = *builtinDnn("mobilenetv2");
        QDir(dir.path()).mkpath("profiles");
        write(dir.path() + "/profiles/mbv2.json", gpuProfileToJson(syntheticProfile(dnn, 16)));
        const QString scenarioPath = dir.path() + "/scenario.json";
        write(scenarioPath, R"({"format": "coinfer-scenario", "version": 1, "name": "profiled",
            "dnn": {"builtin": "mobilenetv2", "gpu_profile": "profiles/mbv2.json", "max_batch": 8},
            "device_classes": [{"name": "phone", "cpu": {"frequency_ghz": 2.15, "cycles_per_flop": 0.269, "kappa": 1e-28}, "tx_power_w": 0.2}],
            "users": [{"id": "a", "deadline_ms": 200, "device_class": "phone", "uplink_rate_mbps": 20},
                      {"id": "b", "deadline_ms": 120, "device_class": "phone", "uplink_rate_mbps": 50}]})");
        Expected<Scenario> scenario = readScenario(scenarioPath.toStdString());
        QVERIFY2(scenario.has_value(), scenario ? "" : scenario.error().message.c_str());
        const auto stats = *analyzeDnn(dnn);
        QCOMPARE(scenario->dnn.subtaskCount(), 20);
        QCOMPARE(scenario->dnn.maxBatch(), 8);
        QCOMPARE(scenario->dnn.inputBytes, 150528.0);
        QCOMPARE(scenario->dnn.subtasks[5].outputBytes, stats[5].outputBytes);
        QCOMPARE(scenario->dnn.subtasks[5].flops, stats[5].flops);
        QVERIFY(std::fabs(scenario->dnn.subtasks[5].edgeLatencyMs[2] - (0.5 + 0.5 + 0.15)) < 1e-12);
        // The device model's local latency follows the same FLOPs.
        QVERIFY(std::fabs(scenario->users[0].localLatencyMs[5] - stats[5].flops * 0.269 / 2.15e9 * 1e3) < 1e-9);
        const CostModel model(*scenario);
        Expected<Plan> plan = makePlan(*scenario, model, Algorithm::Og);
        QVERIFY(plan.has_value());
        QVERIFY(plan->feasible);
    }

    void shippedProfilesAreConsistentMeasurementsOfTheBuiltinDnns()
    {
        const QStringList files = QDir(COINFER_PROFILES).entryList({"*.json"}, QDir::Files);
        QVERIFY2(files.size() >= 3, "resources/profiles should hold the measured profiles of the built-in DNNs");
        for (const QString& file : files) {
            const std::string path = QStringLiteral(COINFER_PROFILES "/%1").arg(file).toStdString();
            Expected<GpuProfile> profile = readGpuProfile(path);
            QVERIFY2(profile.has_value(), profile ? "" : profile.error().message.c_str());
            Expected<DnnDescription> dnn = testing::shippedProfileDnn(*profile);
            if (!dnn && dnn.error().code == ErrorCode::NoDevice)
                continue; // an imported model's profile, and this build cannot import ONNX
            QVERIFY2(dnn.has_value(), path.c_str());
            QVERIFY2(checkProfileMatches(*profile, *dnn, path).has_value(), path.c_str());
            // A measurement names its GPU, its date and the tool, and was made by this project's profiler.
            QVERIFY(!profile->gpu.name.empty() && profile->gpu.name.find("synthetic") == std::string::npos);
            QVERIFY(!profile->gpu.computeCapability.empty() && !profile->gpu.cudnnVersion.empty());
            // The display driver's version from NVML, e.g. "580.159.04, CUDA 13.0 driver API".
            QVERIFY2(!profile->gpu.driverVersion.empty() &&
                         std::isdigit(static_cast<unsigned char>(profile->gpu.driverVersion[0])),
                     profile->gpu.driverVersion.c_str());
            QVERIFY(profile->measuredAt.size() == 20 && profile->measuredAt.back() == 'Z');
            QVERIFY(profile->tool.rfind("coinfer ", 0) == 0);
            QCOMPARE(profile->launch, std::string("cuda-graph"));
            for (const SubtaskProfile& subtask : profile->subtasks) {
                for (size_t b = 0; b < subtask.medianMs.size(); ++b)
                    QVERIFY2(subtask.medianMs[b] > 0 && subtask.p10Ms[b] <= subtask.medianMs[b] &&
                                 subtask.medianMs[b] <= subtask.p90Ms[b],
                             qPrintable(QString("%1, %2, b = %3").arg(file, QString::fromStdString(subtask.name)).arg(b + 1)));
                // The recorded fit is the least-squares line through the recorded medians.
                const AffineFit refit = fitAffine(subtask.medianMs);
                QVERIFY(std::fabs(refit.alphaMs - subtask.affine.alphaMs) <= 1e-9 + 1e-6 * std::fabs(refit.alphaMs));
                QVERIFY(std::fabs(refit.betaMs - subtask.affine.betaMs) <= 1e-9 + 1e-6 * std::fabs(refit.betaMs));
            }
        }
    }

    void measuredExamplePlansWithTheShippedProfile()
    {
        Expected<Scenario> scenario = readScenario(COINFER_EXAMPLES "/edge-h200.json");
        QVERIFY2(scenario.has_value(), scenario ? "" : scenario.error().message.c_str());
        Expected<GpuProfile> profile = readGpuProfile(COINFER_PROFILES "/mobilenetv2-h200.json");
        QVERIFY(profile.has_value());
        QCOMPARE(scenario->dnn.subtaskCount(), static_cast<int>(profile->subtasks.size()));
        for (size_t n = 0; n < profile->subtasks.size(); ++n)
            QCOMPARE(scenario->dnn.subtasks[n].edgeLatencyMs, profile->subtasks[n].medianMs);
        const CostModel model(*scenario);
        for (Algorithm algorithm : {Algorithm::IpSsa, Algorithm::Og}) {
            Expected<Plan> plan = makePlan(*scenario, model, algorithm);
            QVERIFY2(plan.has_value(), plan ? "" : plan.error().message.c_str());
            QVERIFY(plan->feasible);
            QVERIFY(verifyPlan(*scenario, model, *plan).empty());
        }
    }

    void scenarioWithAForeignProfileIsRefused()
    {
        QTemporaryDir dir;
        write(dir.path() + "/vgg.json", gpuProfileToJson(syntheticProfile(*builtinDnn("vgg16"), 4)));
        Expected<Scenario> scenario = parseScenario(R"({"format": "coinfer-scenario", "version": 1,
            "dnn": {"builtin": "resnet18", "gpu_profile": "vgg.json"},
            "users": [{"id": "a", "deadline_ms": 200, "cpu": {"frequency_ghz": 2, "cycles_per_flop": 1, "kappa": 1e-28},
                       "tx_power_w": 0.2, "uplink_rate_mbps": 20}]})",
                                                    (dir.path() + "/s.json").toStdString());
        QVERIFY(!scenario.has_value());
        QVERIFY2(scenario.error().message.find("dnn.gpu_profile: ") != std::string::npos &&
                     scenario.error().message.find("does not match DNN 'resnet18'") != std::string::npos,
                 scenario.error().message.c_str());
        Expected<Scenario> missing = parseScenario(R"({"format": "coinfer-scenario", "version": 1,
            "dnn": {"builtin": "resnet18", "gpu_profile": "absent.json"}, "users": []})",
                                                   (dir.path() + "/s.json").toStdString());
        QVERIFY(!missing.has_value());
        QVERIFY(missing.error().message.find("dnn.gpu_profile: ") != std::string::npos);
        QVERIFY(missing.error().message.find("absent.json") != std::string::npos);
    }
};

QTEST_APPLESS_MAIN(TestGpuProfile)
#include "test_gpuprofile.moc"
