"""China's province-level areas: a form's top-level area no bundled ruleset names may still be real.

A form from 安徽省 scored under the national rules is ordinary (no 安徽 ruleset is bundled); one
from 火星 is probably a misspelling.  :func:`is_province` tells the two apart for the
``ruleset-fallback`` finding (information for the first, a warning for the second).
"""

from __future__ import annotations

#: The 34 province-level divisions, as written in full.
PROVINCES = (
    "北京市", "天津市", "上海市", "重庆市",
    "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省", "江苏省", "浙江省", "安徽省", "福建省", "江西省",
    "山东省", "河南省", "湖北省", "湖南省", "广东省", "海南省", "四川省", "贵州省", "云南省", "陕西省",
    "甘肃省", "青海省", "台湾省",
    "内蒙古自治区", "广西壮族自治区", "西藏自治区", "宁夏回族自治区", "新疆维吾尔自治区",
    "香港特别行政区", "澳门特别行政区",
)

_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市")


def _short(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name  # pragma: no cover - every name above has a suffix


_NAMES = frozenset(PROVINCES) | frozenset(_short(p) for p in PROVINCES)


def is_province(name: str) -> bool:
    """Whether `name` is a province-level area, in full (``安徽省``) or short (``安徽``, ``宁夏``)."""
    return name.strip() in _NAMES
