// The GPU module: its layers against the CPU reference, and a short profile. Skips, saying
// why, on a machine without a usable GPU or in a build without CUDA.
#include "core/io/profileio.h"
#include "gpu/profiler.h"

#include <QTest>

#include <algorithm>

using namespace coinfer;

class TestGpu : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        Expected<GpuInfo> gpu = gpu::queryGpu();
        if (!gpu)
            QSKIP(qPrintable("GPU tests skipped: " + QString::fromStdString(gpu.error().message)));
        qInfo("GPU: %s, compute capability %s, CUDA %s, cuDNN %s", gpu->name.c_str(), gpu->computeCapability.c_str(),
              gpu->cudaRuntimeVersion.c_str(), gpu->cudnnVersion.c_str());
    }

    void layersMatchTheCpuReference()
    {
        Expected<std::vector<gpu::LayerCheck>> checks = gpu::checkAgainstCpu();
        QVERIFY2(checks.has_value(), checks ? "" : checks.error().message.c_str());
        QVERIFY(checks->size() >= 20);
        QVERIFY(std::any_of(checks->begin(), checks->end(), [](const gpu::LayerCheck& c) { return c.cudaGraph; }));
        QVERIFY(std::any_of(checks->begin(), checks->end(), [](const gpu::LayerCheck& c) { return !c.cudaGraph; }));
        for (const gpu::LayerCheck& check : *checks)
            QVERIFY2(check.passed, qPrintable(QString("%1, batch %2: scaled error %3")
                                                  .arg(QString::fromStdString(check.subtask))
                                                  .arg(check.batch)
                                                  .arg(check.maxScaledError)));
    }

    void profilesEverySubtaskAndBatchSize()
    {
        gpu::ProfileOptions options;
        options.maxBatch = 4;
        options.warmup = 2;
        options.repetitions = 5;
        int calls = 0;
        options.progress = [&](int done, int total) {
            ++calls;
            return done <= total;
        };
        const DnnDescription dnn = gpu::checkDnn();
        Expected<GpuProfile> profile = gpu::profileDnn(dnn, options);
        QVERIFY2(profile.has_value(), profile ? "" : profile.error().message.c_str());
        QCOMPARE(calls, static_cast<int>(dnn.subtasks.size()) * 4);
        QCOMPARE(profile->maxBatch(), 4);
        QVERIFY(checkProfileMatches(*profile, dnn, "measured").has_value());
        for (const SubtaskProfile& subtask : profile->subtasks)
            for (size_t b = 0; b < subtask.medianMs.size(); ++b) {
                QVERIFY(subtask.medianMs[b] > 0);
                QVERIFY(subtask.p10Ms[b] <= subtask.medianMs[b] && subtask.medianMs[b] <= subtask.p90Ms[b]);
            }
        QVERIFY(!profile->gpu.name.empty());
        QVERIFY(!profile->gpu.driverVersion.empty());
        qInfo("driver: %s", profile->gpu.driverVersion.c_str());
        QVERIFY(!profile->measuredAt.empty());
        QCOMPARE(profile->launch, std::string("cuda-graph"));
    }

    void profilesEagerlyOnRequest()
    {
        gpu::ProfileOptions options;
        options.maxBatch = 2;
        options.warmup = 1;
        options.repetitions = 3;
        options.cudaGraphs = false;
        Expected<GpuProfile> profile = gpu::profileDnn(gpu::checkDnn(), options);
        QVERIFY2(profile.has_value(), profile ? "" : profile.error().message.c_str());
        QCOMPARE(profile->launch, std::string("eager"));
        QCOMPARE(profile->maxBatch(), 2);
    }

    void cancelStopsProfiling()
    {
        gpu::ProfileOptions options;
        options.maxBatch = 2;
        options.warmup = 0;
        options.repetitions = 1;
        options.progress = [](int, int) { return false; };
        Expected<GpuProfile> profile = gpu::profileDnn(gpu::checkDnn(), options);
        QVERIFY(!profile.has_value());
        QCOMPARE(profile.error().message, std::string("cancelled"));
    }
};

QTEST_APPLESS_MAIN(TestGpu)
#include "test_gpu.moc"
