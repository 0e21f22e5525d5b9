"""Names sort by how they are read: surnames with their surname readings."""

from articles.pinyin import name_sort_key, text_sort_key


def test_surnames_read_as_surnames():
    assert name_sort_key("曾志").startswith("zeng ")
    assert name_sort_key("单雄").startswith("shan ")
    assert name_sort_key("单于明").startswith("chan yu ")


def test_text_keys_are_toneless_lower_case_pinyin():
    assert text_sort_key("工会") == "gong hui"
    assert sorted(["张三", "李四", "安五"], key=name_sort_key) == [
        "安五",
        "李四",
        "张三",
    ]
