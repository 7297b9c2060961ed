#include "widgets/views/generatordialog.h"

#include "core/io/scenarioio.h"
#include "core/util/random.h"
#include "widgets/document/errortext.h"

#include <QDialogButtonBox>
#include <QFlags>
#include <QLatin1Char>
#include <QList>
#include <QPushButton>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QStringList>
#include <QTableWidget>
#include <QTableWidgetItem>
#include <Qt>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <utility>

namespace coinfer {

GeneratorDialog::GeneratorDialog(const Scenario& scenario, QWidget* parent)
    : QDialog(parent)
    , m_scenario(scenario)
    , m_count(new QSpinBox(this))
    , m_seed(new QSpinBox(this))
    , m_prefix(new QLineEdit("g", this))
    , m_deadlines(new QLineEdit("100, 200, 400", this))
    , m_low(new QDoubleSpinBox(this))
    , m_high(new QDoubleSpinBox(this))
    , m_mix(new QTableWidget(this))
{
    setWindowTitle(tr("Generate users"));
    auto* form = new QFormLayout(this);
    m_count->setRange(1, 100000);
    m_count->setValue(50);
    m_seed->setRange(0, 1'000'000'000);
    m_seed->setValue(1);
    form->addRow(tr("Number of users"), m_count);
    form->addRow(tr("Seed"), m_seed);
    m_prefix->setMaxLength(static_cast<int>(kMaxIdPrefixBytes)); // the file readers' limit (in bytes for ASCII)
    form->addRow(tr("Id prefix"), m_prefix);
    m_deadlines->setToolTip(tr("Classes as a list (100, 200, 400) or a uniform range (100-300)"));
    form->addRow(tr("Deadlines (ms): classes or a range"), m_deadlines);
    const bool byDistance = scenario.hasChannel;
    for (QDoubleSpinBox* box : {m_low, m_high}) {
        box->setRange(0.001, 1e6);
        box->setDecimals(3);
    }
    m_low->setValue(byDistance ? 10 : 5);
    m_high->setValue(byDistance ? 200 : 50);
    form->addRow(byDistance ? tr("Distance from (m)") : tr("Uplink rate from (Mbps)"), m_low);
    form->addRow(byDistance ? tr("Distance to (m)") : tr("Uplink rate to (Mbps)"), m_high);
    m_mix->setColumnCount(2);
    m_mix->setHorizontalHeaderLabels({tr("Device class"), tr("Weight")});
    m_mix->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_mix->setRowCount(static_cast<int>(scenario.deviceClasses.size()));
    for (int row = 0; row < m_mix->rowCount(); ++row) {
        auto* name = new QTableWidgetItem(QString::fromStdString(scenario.deviceClasses[static_cast<size_t>(row)].name));
        name->setFlags(name->flags() & ~Qt::ItemIsEditable);
        m_mix->setItem(row, 0, name);
        m_mix->setItem(row, 1, new QTableWidgetItem("1"));
    }
    form->addRow(tr("Device mix"), m_mix);
    if (scenario.deviceClasses.empty())
        m_problem = tr("This scenario defines no device classes, so there is nothing to draw devices from. "
                       "Add a \"device_classes\" block to the file (see examples/campus.json).");
    if (!m_problem.isEmpty())
        form->addRow(new QLabel(m_problem, this));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setEnabled(m_problem.isEmpty());
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
}

Expected<PopulationSpec> GeneratorDialog::spec() const
{
    if (!m_problem.isEmpty())
        return failure(m_problem);
    PopulationSpec spec;
    spec.count = m_count->value();
    spec.seed = static_cast<std::uint64_t>(m_seed->value());
    spec.idPrefix = m_prefix->text().toStdString();
    const QStringList bounds = m_deadlines->text().split(QLatin1Char('-'));
    if (bounds.size() == 2) {
        bool lowOk = false, highOk = false;
        const double low = bounds[0].trimmed().toDouble(&lowOk), high = bounds[1].trimmed().toDouble(&highOk);
        if (lowOk && highOk && low > 0 && high >= low) {
            spec.deadlineMs = Distribution{low, high, {}};
        }
    }
    for (const QString& part :
         bounds.size() == 2 ? QStringList() : m_deadlines->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const double value = part.trimmed().toDouble(&ok);
        if (ok && value > 0)
            spec.deadlineMs.choices.push_back(value);
    }
    if (spec.deadlineMs.choices.empty() && !(spec.deadlineMs.max > 0))
        spec.deadlineMs.choices.push_back(100);
    spec.byDistance = m_scenario.hasChannel;
    Distribution range{std::min(m_low->value(), m_high->value()), std::max(m_low->value(), m_high->value()), {}};
    (spec.byDistance ? spec.distanceM : spec.uplinkRateMbps) = range;
    for (int row = 0; row < m_mix->rowCount(); ++row) {
        const double weight = m_mix->item(row, 1)->text().toDouble();
        if (weight > 0)
            spec.deviceMix.emplace_back(m_mix->item(row, 0)->text().toStdString(), weight);
    }
    if (spec.deviceMix.empty() && !m_scenario.deviceClasses.empty())
        spec.deviceMix.emplace_back(m_scenario.deviceClasses.front().name, 1.0);
    return spec;
}

std::vector<User> GeneratorDialog::generate(const Scenario& scenario, const PopulationSpec& spec)
{
    std::vector<User> users;
    generatePopulation(spec, scenario.deviceClasses, scenario.hasChannel ? &scenario.channel : nullptr, scenario.dnn, users);
    std::set<std::string> taken;
    for (const User& user : scenario.users)
        taken.insert(user.id);
    for (User& user : users) {
        const std::string base = user.id;
        for (int suffix = 2; taken.count(user.id); ++suffix)
            user.id = base + "-" + std::to_string(suffix);
        taken.insert(user.id);
    }
    return users;
}

} // namespace coinfer

#include "moc_generatordialog.cpp"
