namespace Crm.Integration.Functions.Common;

/// <summary>Publisher-supplied text quoted in a reason: cut short, so that a huge value cannot flood a dead-letter reason or the ledger.</summary>
internal static class Quote
{
    public static string Short(string? text) => text is null ? "" : text.Length <= 100 ? text : text[..100] + "…";
}
