// Every torchvision 0.14 classifier exported by scripts/export-torchvision-onnx.py against
// PyTorch's own counts (scripts/torchvision-counts.py, which reads the PyTorch modules, never the
// ONNX graph): each model Coinfer imports has exactly PyTorch's multiply-accumulates and, with
// batch norms folded into their convolutions as the exporter does, its parameters; its sub-tasks'
// output bytes are their tensors' sizes. A model Coinfer cannot import yet must be refused for
// the stated reason, so that neither a silent regression nor a silent fix goes unnoticed.
#include "core/dnn/dnn.h"
#include "core/io/onnximport.h"

#include <QTest>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

using namespace coinfer;

namespace {

const std::string kOnnxData = COINFER_TEST_DATA "/onnx/";

/// The models Coinfer does not import yet, with a fragment of the refusal's message.
const std::map<std::string, std::string> kNotYet = {};

struct TorchCounts {
    double macs = 0;
    long long parametersBnFolded = 0;
    std::string output;
};

std::map<std::string, TorchCounts> readCounts()
{
    std::map<std::string, TorchCounts> counts;
    std::ifstream file(kOnnxData + "torchvision-counts.tsv");
    std::string line;
    while (std::getline(file, line)) {
        if (line.empty() || line[0] == '#' || line.rfind("model\t", 0) == 0)
            continue;
        std::istringstream fields(line);
        std::string name;
        TorchCounts entry;
        long long parameters = 0;
        fields >> name >> entry.macs >> parameters >> entry.parametersBnFolded >> entry.output;
        counts[name] = entry;
    }
    return counts;
}

} // namespace

class TestOnnxImportTorchvision : public QObject {
    Q_OBJECT

private slots:
    void importsWithPyTorchsCounts_data()
    {
        QTest::addColumn<QString>("name");
        for (const auto& [name, counts] : readCounts())
            QTest::newRow(name.c_str()) << QString::fromStdString(name);
        QVERIFY2(readCounts().size() >= 48, "tests/data/onnx/torchvision-counts.tsv is missing or short");
    }

    void importsWithPyTorchsCounts()
    {
        QFETCH(QString, name);
        const TorchCounts torch = readCounts().at(name.toStdString());
        const Expected<OnnxImport> imported = importOnnx(kOnnxData + name.toStdString() + ".onnx");
        if (const auto notYet = kNotYet.find(name.toStdString()); notYet != kNotYet.end()) {
            QVERIFY2(!imported, "imports now: move it out of kNotYet");
            QVERIFY2(imported.error().message.find(notYet->second) != std::string::npos, imported.error().message.c_str());
            return;
        }
        QVERIFY2(imported, imported ? "" : imported.error().message.c_str());
        const Expected<std::vector<SubtaskStats>> stats = analyzeDnn(imported->dnn);
        QVERIFY(stats);
        double macs = 0;
        long long parameters = 0;
        for (const SubtaskStats& s : *stats) {
            macs += s.macs;
            parameters += s.parameters;
            QCOMPARE(s.outputBytes, static_cast<double>(s.output.elements()) * imported->dnn.activationBytes);
        }
        QCOMPARE(macs, torch.macs);
        QCOMPARE(parameters, torch.parametersBnFolded);
        const TensorShape out = stats->back().output;
        QCOMPARE(QString::number(out.c), QString::fromStdString(torch.output));
        QVERIFY(stats->size() >= 2); // every one of these chains has cuts
    }
};

QTEST_APPLESS_MAIN(TestOnnxImportTorchvision)
#include "test_onnximport_torchvision.moc"
