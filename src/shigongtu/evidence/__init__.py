"""Evidence (佐证材料): files attached to reports, approvals, problems, 督办 steps and bond expenditures,
and photos checked for time and place (现场有效 / 照片时间/位置与项目不符 / 未核验)."""
