#include "widgets/views/bulkeditdialog.h"

#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QLabel>
#include <QRadioButton>
#include <QVBoxLayout>

namespace coinfer {

BulkDeadlineDialog::BulkDeadlineDialog(int users, double firstDeadlineMs, QWidget* parent)
    : QDialog(parent)
    , m_users(users)
    , m_set(new QRadioButton(tr("Set to"), this))
    , m_scale(new QRadioButton(tr("Scale each by"), this))
    , m_deadline(new QDoubleSpinBox(this))
    , m_factor(new QDoubleSpinBox(this))
    , m_summary(new QLabel(this))
{
    setWindowTitle(tr("Set deadline of selected users"));
    m_deadline->setRange(0.001, 1e9);
    m_deadline->setDecimals(3);
    m_deadline->setSuffix(tr(" ms"));
    m_deadline->setValue(firstDeadlineMs > 0 ? firstDeadlineMs : 100);
    m_factor->setRange(0.001, 1000);
    m_factor->setDecimals(3);
    m_factor->setSingleStep(0.05);
    m_factor->setPrefix(tr("x "));
    m_factor->setValue(1.0);
    m_set->setChecked(true);
    auto* grid = new QGridLayout;
    grid->addWidget(m_set, 0, 0);
    grid->addWidget(m_deadline, 0, 1);
    grid->addWidget(m_scale, 1, 0);
    grid->addWidget(m_factor, 1, 1);
    m_summary->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(grid);
    layout->addWidget(m_summary);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    for (QRadioButton* choice : {m_set, m_scale})
        connect(choice, &QRadioButton::toggled, this, &BulkDeadlineDialog::updateSummary);
    for (QDoubleSpinBox* box : {m_deadline, m_factor})
        connect(box, &QDoubleSpinBox::valueChanged, this, &BulkDeadlineDialog::updateSummary);
    updateSummary();
}

bool BulkDeadlineDialog::scales() const
{
    return m_scale->isChecked();
}

double BulkDeadlineDialog::value() const
{
    return scales() ? m_factor->value() : m_deadline->value();
}

QString BulkDeadlineDialog::summary() const
{
    return m_summary->text();
}

void BulkDeadlineDialog::setScales(bool scale)
{
    (scale ? m_scale : m_set)->setChecked(true);
}

void BulkDeadlineDialog::setValue(double value)
{
    (scales() ? m_factor : m_deadline)->setValue(value);
}

void BulkDeadlineDialog::updateSummary()
{
    m_deadline->setEnabled(!scales());
    m_factor->setEnabled(scales());
    m_summary->setText(
        scales()
            ? tr("Multiplies the deadline of each of the %n selected user(s) by %1.", nullptr, m_users)
                  .arg(m_factor->value(), 0, 'g', 6)
            : tr("Sets the deadline of the %n selected user(s) to %1 ms.", nullptr, m_users).arg(m_deadline->value(), 0, 'g', 9));
}

} // namespace coinfer

#include "moc_bulkeditdialog.cpp"

#include <initializer_list>
