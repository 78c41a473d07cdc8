"""Chinese personal names for the demo: common surnames, given names typical of the birth decade.

Surnames are weighted roughly by how common they are; given names are one or two characters,
drawn from pools that differ by gender and by generation (a cadre born in the 1960s is more
likely 建国 or 秀英, one born in the 1990s 子涵 or 浩然). Names are unique within one run so the
demo's search results are unambiguous.
"""

import random

# (surname, weight): the most common surnames, weighted roughly by frequency.
SURNAMES = [
    ("王", 72), ("李", 70), ("张", 66), ("刘", 54), ("陈", 45), ("杨", 32), ("黄", 25), ("赵", 22),
    ("吴", 21), ("周", 20), ("徐", 17), ("孙", 16), ("马", 15), ("朱", 14), ("胡", 13), ("郭", 12),
    ("何", 12), ("高", 11), ("林", 11), ("罗", 10), ("郑", 10), ("梁", 9), ("谢", 8), ("宋", 8),
    ("唐", 8), ("许", 7), ("韩", 7), ("冯", 7), ("邓", 7), ("曹", 6), ("彭", 6), ("曾", 6),
    ("肖", 6), ("田", 6), ("董", 6), ("袁", 5), ("潘", 5), ("于", 5), ("蒋", 5), ("蔡", 5),
    ("余", 5), ("杜", 5), ("叶", 5), ("程", 5), ("苏", 4), ("魏", 4), ("吕", 4), ("丁", 4),
    ("任", 4), ("沈", 4), ("姚", 4), ("卢", 4), ("姜", 4), ("崔", 4), ("钟", 3), ("谭", 3),
    ("陆", 3), ("汪", 3), ("范", 3), ("金", 3), ("石", 3), ("贾", 3), ("夏", 3), ("付", 3),
    ("方", 3), ("白", 3), ("邹", 3), ("孟", 3), ("秦", 3), ("侯", 3), ("史", 2), ("陶", 2),
    ("毛", 2), ("郝", 2), ("段", 2), ("薛", 2), ("常", 2), ("牛", 2), ("申", 2), ("靳", 2),
    ("原", 1), ("卫", 1), ("霍", 1), ("裴", 1), ("诸葛", 1), ("欧阳", 1),
]

# Given-name characters by generation and gender. Two-character names are made of a first and
# a second character; single-character names take one from the second list.
GIVEN = {
    "older": {  # born before 1970
        "M": ("建 国 志 文 卫 红 永 德 振 宝 明 立 新 学 光 军 海 庆 忠 胜 春 长 保 玉 树",
              "国 军 民 华 平 明 林 强 生 东 伟 忠 峰 成 杰 斌 刚 勇 亮 新 义 山 祥 荣 福"),
        "F": ("秀 桂 玉 丽 淑 红 美 素 凤 春 金 彩 爱 月 翠 建 小 文 晓 海",
              "英 兰 珍 芳 华 梅 霞 琴 萍 云 莲 芬 娟 荣 凤 平 玲 红 敏 燕"),
    },
    "middle": {  # born 1970–1984
        "M": ("建 志 海 永 晓 文 立 俊 伟 宏 国 小 振 家 云 鹏 少 春 卫 明 世 新 红",
              "军 伟 峰 强 斌 刚 磊 涛 勇 波 辉 杰 林 华 亮 东 明 鹏 飞 龙 宇 超 冰"),
        "F": ("丽 晓 海 春 雪 红 小 燕 玉 慧 秀 丹 美 艳 文 彩 晶 亚 婷 洁",
              "娟 燕 芳 丽 敏 静 霞 红 萍 琳 玲 华 梅 艳 莉 君 颖 瑛 洁 蕾"),
    },
    "younger": {  # born 1985 and later
        "M": ("子 浩 宇 俊 博 思 天 鑫 泽 一 佳 明 嘉 家 志 晨 逸 睿 文 雨 皓 昊",
              "轩 然 杰 阳 涛 宁 航 鹏 辰 豪 远 凡 洋 磊 骁 哲 铭 帆 恒 翔 博 川"),
        "F": ("子 欣 梦 雨 思 佳 紫 诗 晓 静 雅 可 怡 心 一 婉 若 梓 晨 语",
              "涵 怡 琪 彤 萱 雯 瑶 婷 茜 璐 颖 蕾 琳 倩 悦 菲 薇 洁 宁 月"),
    },
}

# What share of a generation's names are single-character (张伟, 王芳).
SINGLE_CHARACTER_SHARE = {"older": 0.15, "middle": 0.3, "younger": 0.2}


def generation(birth_year: int) -> str:
    if birth_year < 1970:
        return "older"
    if birth_year < 1985:
        return "middle"
    return "younger"


class NameMaker:
    """Makes unique Chinese names from a seeded generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()
        self._surnames = [s for s, _w in SURNAMES]
        self._weights = [w for _s, w in SURNAMES]

    def reserve(self, name: str) -> str:
        """Mark a fixed name (a demo account's person) as taken."""
        self.used.add(name)
        return name

    def surname(self) -> str:
        return self.rng.choices(self._surnames, weights=self._weights)[0]

    def name(self, *, gender: str, birth_year: int) -> str:
        gen = generation(birth_year)
        first, second = (chars.split() for chars in GIVEN[gen][gender])
        for _attempt in range(200):
            surname = self.surname()
            if self.rng.random() < SINGLE_CHARACTER_SHARE[gen] and len(surname) == 1:
                given = self.rng.choice(second)  # 张伟, 王芳: a second-position character alone
            else:
                given = self.rng.choice(first) + self.rng.choice(second)
                if given[0] == given[1] and self.rng.random() < 0.7:
                    continue  # reduplicated names (婷婷) are rarer among cadres
            full = surname + given
            if full not in self.used:
                self.used.add(full)
                return full
        raise RuntimeError("no unique name left")  # pragma: no cover - the pools are large
