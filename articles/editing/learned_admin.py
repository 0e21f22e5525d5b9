"""The admin screen of learned corrections: each pair, where it came from, how it fared, on/off."""

from django.contrib import admin

from archive.models import LearnedCorrection


@admin.register(LearnedCorrection)
class LearnedCorrectionAdmin(admin.ModelAdmin):
    """What the editors taught the suggestions: who, where, how it fared; switched on or off."""

    list_display = [
        "pair",
        "context",
        "created_by",
        "created_at",
        "times_applied",
        "times_rejected",
        "active",
    ]
    list_editable = ["active"]
    list_filter = ["active", "created_by"]
    search_fields = ["wrong", "right", "context"]
    list_select_related = ["created_by"]
    fields = [
        "wrong",
        "right",
        "context",
        "created_by",
        "created_at",
        "times_applied",
        "times_rejected",
        "active",
    ]
    readonly_fields = [f for f in fields if f != "active"]

    @admin.display(description="更正", ordering="wrong")
    def pair(self, obj):
        return f"{obj.wrong} → {obj.right}"

    def has_add_permission(self, request):
        # Pairs are learned from accepted corrections, never typed in.
        return False
