using Tracking.Donations;

namespace Tracking.Tests.Donations;

/// <summary>Validation of <c>POST /checkout</c> into an order, without a host.</summary>
public sealed class CheckoutOrderTests
{
    private static readonly DonationOptions Options = new() { Currency = "usd", Currencies = ["usd", "jpy"] };

    [Fact]
    public void A_valid_request_becomes_an_order_in_minor_units_of_the_default_currency()
    {
        var (order, errors) = CheckoutOrder.Validate(new CheckoutRequest("s_1", 25.5m), Options);

        Assert.False(errors.Any);
        Assert.Equal(2550, order!.Minor);
        Assert.Equal(new Amount(25.5m, "usd"), order.Amount);
    }

    [Fact]
    public void A_zero_decimal_currency_refuses_a_fraction_naming_amount()
    {
        var (order, errors) = CheckoutOrder.Validate(new CheckoutRequest("s_1", 500.5m, "JPY"), Options);

        Assert.Null(order);
        Assert.Equal(400, errors.ToProblem().StatusCode);
        Assert.Contains("amount", ((Microsoft.AspNetCore.Http.HttpValidationProblemDetails)errors.ToProblem().ProblemDetails).Errors.Keys);
    }

    [Fact]
    public void A_missing_session_and_a_bad_email_are_both_named()
    {
        var (order, errors) = CheckoutOrder.Validate(new CheckoutRequest(null, 10m, Email: "not-an-address"), Options);

        Assert.Null(order);
        var named = ((Microsoft.AspNetCore.Http.HttpValidationProblemDetails)errors.ToProblem().ProblemDetails).Errors.Keys;
        Assert.Contains("sessionId", named);
        Assert.Contains("email", named);
    }
}
