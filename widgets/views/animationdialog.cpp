#include "widgets/views/animationdialog.h"

#include "widgets/export/exportpath.h"
#include "widgets/export/frameexporter.h"
#include "widgets/views/timelineview.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QProgressDialog>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStringList>
#include <QVariant>
#include <Qt>

namespace coinfer {

namespace {
/// Where the last animation went, so that the next Browse starts there.
const char* const kLastFolderKey = "export/animationFolder";
} // namespace

AnimationDialog::AnimationDialog(QWidget* parent)
    : QDialog(parent)
    , m_format(new QComboBox(this))
    , m_fps(new QSpinBox(this))
    , m_seconds(new QSpinBox(this))
    , m_size(new QComboBox(this))
    , m_lanes(new QComboBox(this))
    , m_target(new QLineEdit(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Export animation"));
    m_format->addItems({tr("Animated GIF"), tr("Numbered PNG frames")});
    m_fps->setRange(1, 60);
    m_fps->setValue(20);
    m_fps->setSuffix(tr(" frames/s"));
    m_seconds->setRange(1, 600);
    m_seconds->setValue(10);
    m_seconds->setSuffix(tr(" s"));
    m_size->addItems({"1280x720", "1920x1080", "960x540", "640x360"});
    m_lanes->addItems({tr("All lanes, scaled to fit"), tr("The lanes on screen")});
    auto* browse = new QPushButton(tr("Browse..."), this);
    auto* targetRow = new QHBoxLayout;
    targetRow->addWidget(m_target, 1);
    targetRow->addWidget(browse);
    auto* form = new QFormLayout(this);
    form->addRow(tr("Format"), m_format);
    form->addRow(tr("Frame rate"), m_fps);
    form->addRow(tr("Length"), m_seconds);
    form->addRow(tr("Size"), m_size);
    form->addRow(tr("Lanes"), m_lanes);
    form->addRow(tr("Save to"), targetRow);
    form->addRow(m_buttons);
    connect(browse, &QPushButton::clicked, this, &AnimationDialog::browse);
    connect(m_target, &QLineEdit::textChanged, this, &AnimationDialog::updateOk);
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        const AnimationSettings chosen = settings();
        QSettings().setValue(kLastFolderKey,
                             chosen.gif ? QFileInfo(chosen.target).absolutePath() : QFileInfo(chosen.target).absoluteFilePath());
        accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    updateOk();
}

void AnimationDialog::browse()
{
    const QString start = m_target->text().trimmed().isEmpty() ? QSettings().value(kLastFolderKey).toString() : m_target->text();
    const QString chosen = m_format->currentIndex() == 0
                               ? askSavePath(this, tr("Animated GIF"), start, tr("GIF (*.gif)"))
                               : QFileDialog::getExistingDirectory(this, tr("Folder for the PNG frames"), start);
    if (!chosen.isEmpty())
        m_target->setText(chosen);
}

void AnimationDialog::updateOk()
{
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!m_target->text().trimmed().isEmpty());
}

AnimationSettings AnimationDialog::settings() const
{
    AnimationSettings settings;
    settings.gif = m_format->currentIndex() == 0;
    settings.framesPerSecond = m_fps->value();
    settings.seconds = m_seconds->value();
    const QStringList wh = m_size->currentText().split('x');
    settings.size = QSize(wh[0].toInt(), wh[1].toInt());
    settings.lanes = m_lanes->currentIndex() == 0 ? AnimationLanes::AllScaled : AnimationLanes::OnScreen;
    settings.target = m_target->text().trimmed();
    if (settings.gif && !settings.target.endsWith(".gif", Qt::CaseInsensitive))
        settings.target += ".gif";
    return settings;
}

void AnimationDialog::setSettings(const AnimationSettings& settings)
{
    m_format->setCurrentIndex(settings.gif ? 0 : 1);
    m_fps->setValue(settings.framesPerSecond);
    m_seconds->setValue(settings.seconds);
    const QString size = QString("%1x%2").arg(settings.size.width()).arg(settings.size.height());
    if (m_size->findText(size) < 0)
        m_size->addItem(size);
    m_size->setCurrentText(size);
    m_lanes->setCurrentIndex(settings.lanes == AnimationLanes::AllScaled ? 0 : 1);
    m_target->setText(settings.target);
}

void exportTimelineAnimation(const TimelineView& timeline, const AnimationSettings& settings, QWidget* parent,
                             std::function<void(const QString&)> report)
{
    exportTimelineAnimation(std::vector<const TimelineView*>{&timeline}, settings, parent, std::move(report));
}

void exportTimelineAnimation(const std::vector<const TimelineView*>& timelines, const AnimationSettings& settings,
                             QWidget* parent, std::function<void(const QString&)> report)
{
    const int count = settings.frameCount();
    std::vector<FrameRenderer> parts;
    for (const TimelineView* timeline : timelines)
        parts.push_back(timelineAnimation(*timeline, settings.lanes));
    auto* exporter = new FrameExporter(parts.size() == 1 ? parts.front() : stackedFrames(std::move(parts)), settings.target,
                                       count, settings.size, parent, settings.framesPerSecond);
    auto* dialog = new QProgressDialog(QObject::tr("Rendering frames..."), QObject::tr("Cancel"), 0, count, parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    QObject::connect(exporter, &FrameExporter::progress, dialog, &QProgressDialog::setValue);
    QObject::connect(dialog, &QProgressDialog::canceled, exporter, &FrameExporter::cancel);
    const QString target = settings.target;
    QObject::connect(
        exporter, &FrameExporter::finished, parent, [exporter, dialog, target, count, report = std::move(report)](int written) {
            dialog->close();
            exporter->deleteLater();
            report(
                written == count
                    ? QObject::tr("Animation exported: %1 frames to %2").arg(written).arg(target)
                    : QObject::tr("Animation export stopped: %1 of %2 frames written to %3").arg(written).arg(count).arg(target));
        });
    dialog->show();
    exporter->start();
}

} // namespace coinfer

#include "moc_animationdialog.cpp"

#include <algorithm>
#include <utility>
