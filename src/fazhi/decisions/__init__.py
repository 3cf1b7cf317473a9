"""Registers of lawful decision-making: 重大行政决策, 行政规范性文件, 法律顾问 (issue 12)."""
