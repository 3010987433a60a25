# The index and the constraint in a migration of their own: on PostgreSQL, altering a table
# in the transaction that has just updated its rows (0013) can fail on pending trigger events.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0013_referral_delivery_deadline'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='referral',
            index=models.Index(fields=['status', 'delivery_due_at'], name='referral_delivery_due'),
        ),
        migrations.AddConstraint(
            model_name='referral',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'accepted'), _negated=True), ('delivery_due_at__isnull', False), _connector='OR'), name='referral_accepted_has_delivery_date'),
        ),
    ]
