#include "widgets/views/examplecatalog.h"

#include <QCoreApplication>
#include <QDir>

namespace coinfer {

const std::vector<ExampleEntry>& shippedExamples()
{
    static const std::vector<ExampleEntry> examples = {
        {"classroom-split.json",
         QCoreApplication::translate("Examples", "8 phones, a quantized CNN: the best plan splits the network inside"), true},
        {"classroom.json",
         QCoreApplication::translate("Examples", "8 phones in a lecture hall: compute on the phone or upload the camera frame"),
         true},
        {"campus.json", QCoreApplication::translate("Examples", "200 phones, three deadline classes: batching at scale"), true},
        {"online.json",
         QCoreApplication::translate("Examples", "The classroom online: Poisson requests dispatched as they arrive"), true},
        {"online-bursty.json", QCoreApplication::translate("Examples", "The classroom online with bursts: everyone asks at once"),
         true},
        {"edge-h200.json",
         QCoreApplication::translate("Examples", "100 phones, MobileNetV2 on an NVIDIA H200 with measured batch times"), false},
        {"resnet50-onnx.json",
         QCoreApplication::translate("Examples", "40 phones, ResNet-50 imported from ONNX, measured on an H200"), false},
    };
    return examples;
}

QString examplesFolder()
{
#ifdef COINFER_EXAMPLES_DIR
    const QDir folder(QStringLiteral(COINFER_EXAMPLES_DIR));
    return folder.exists(QStringLiteral("edge-h200.json")) ? folder.absolutePath() : QString();
#else
    return {};
#endif
}

} // namespace coinfer
