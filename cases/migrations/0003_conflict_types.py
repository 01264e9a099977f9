from django.db import migrations

# Reference data from DESIGN.md; names in Dutch (what users read), editable in admin.
CONFLICT_TYPES = [
    ("noise-people", "Geluidsoverlast door mensen", "Noise from people"),
    ("noise-appliances", "Geluidsoverlast door apparaten of muziek", "Noise from appliances or music"),
    ("harassment", "Pesten, treiteren, verstoorde verhouding", "Harassment, bullying, disturbed relationship"),
    ("garden", "Tuin, schutting, bomen, erfgrens", "Garden, fence, trees, boundary"),
    ("pets", "Huisdieren", "Pets"),
    ("children", "Spelende kinderen", "Children playing"),
    ("parking", "Parkeren", "Parking"),
    ("rubbish", "Afval, vervuiling", "Rubbish, pollution"),
    ("smell-smoke", "Stank, rook", "Smell, smoke"),
    ("other", "Overig", "Other"),
]


def create_conflict_types(apps, schema_editor):
    ConflictType = apps.get_model("cases", "ConflictType")
    for position, (code, name, name_en) in enumerate(CONFLICT_TYPES):
        ConflictType.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_initial")]

    operations = [migrations.RunPython(create_conflict_types, migrations.RunPython.noop)]
