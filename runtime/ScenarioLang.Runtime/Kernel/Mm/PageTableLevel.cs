namespace ScenarioLang.Runtime.Kernel.Mm;

/// <summary>A level of the page tables below the PGD, for page-table memory observations.</summary>
public enum PageTableLevel
{
    Pud,
    Pmd,
    Pte,
}
